"""Finance exports: payments, receipts, invoices, credit notes and the journal, as CSV and XLSX,
from the admin's listings (`?export=csv|xlsx`, the listing's filters applied) and the command
line (`manage.py export_finance KIND FILE`, `manage.py export_journal FILE`).

Each export is an `Export` in the registry `EXPORTS` (one `register(Export(...))` adds one, e.g.
the unallocated money's list): its columns read `values_list` lookups, so rows are plain tuples
fetched 2,000 at a time and never all held in memory. CSV is streamed; XLSX is written by
xlsxwriter in constant-memory mode to a temporary file that is then streamed.

Cells are what an accounting system reads: dates ISO 8601 (`2026-03-31`; times with the site's
time zone, to the second), amounts plain numbers (`40000.00` in CSV, numbers in XLSX), codes as
their label (`Bank transfer`, not `bank_transfer`). A text cell starting with `=`, `+`, `-`,
`@`, a tab or a carriage return is prefixed with `'` so no spreadsheet runs it as a formula.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.finance import ledger
from marketplace.finance.models import (
    CreditNote,
    Invoice,
    JournalLine,
    PostingKind,
    Receipt,
    UnallocatedStatus,
    UnallocatedTransfer,
)
from marketplace.payments.models import Payment
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod

TEXT, AMOUNT, DATE, DATETIME, NUMBER = "text", "amount", "date", "datetime", "number"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """A text a spreadsheet would run as a formula, made inert with a leading quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Column:
    heading: str
    lookup: str
    kind: str = TEXT
    convert: Callable | None = None  # value → value, before formatting


@dataclass
class Export:
    name: str
    label: str
    model: type
    columns: list[Column]
    date_lookup: str  # filtered by --from/--to
    base: Callable[[], QuerySet] | None = None
    ordering: tuple[str, ...] = ("pk",)
    filename: str = ""
    extra: dict = field(default_factory=dict)

    def queryset(self, date_from=None, date_to=None) -> QuerySet:
        queryset = self.base() if self.base else self.model.objects.all()
        lookup = self.date_lookup
        if self.model._meta.get_field(lookup.split("__")[0]).get_internal_type() == (
            "DateTimeField"
        ):
            lookup += "__date"
        if date_from:
            queryset = queryset.filter(**{f"{lookup}__gte": date_from})
        if date_to:
            queryset = queryset.filter(**{f"{lookup}__lte": date_to})
        return queryset.order_by(*self.ordering)

    def rows(self, queryset: QuerySet) -> Iterator[tuple]:
        """The converted values of each row, 2,000 rows fetched at a time."""
        converters = [(c.convert, c.kind) for c in self.columns]
        for values in queryset.values_list(*(c.lookup for c in self.columns)).iterator(
            chunk_size=CHUNK
        ):
            yield tuple(
                convert(value) if convert and value is not None else value
                for value, (convert, _kind) in zip(values, converters, strict=True)
            )

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]


EXPORTS: dict[str, Export] = {}


def register(export: Export) -> Export:
    EXPORTS[export.name] = export
    return export


# --- Cells ------------------------------------------------------------------------------


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0)


def csv_cell(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == AMOUNT:
        return f"{Decimal(value):.2f}"
    if kind == NUMBER:
        return str(value)
    if kind == DATETIME and isinstance(value, datetime.datetime):
        return _local(value).isoformat()
    if kind == DATE and isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_lines(export: Export, rows: Iterable[tuple]) -> Iterator[str]:
    """The header, then one CSV line per row (nothing is kept)."""
    echo = _Echo()
    writer = csv.writer(echo, lineterminator="\r\n")
    kinds = [c.kind for c in export.columns]
    yield writer.writerow(export.headings)
    for row in rows:
        yield writer.writerow([csv_cell(v, k) for v, k in zip(row, kinds, strict=True)])


class _Echo:
    def write(self, value):
        return value


def write_csv(export: Export, rows: Iterable[tuple], stream) -> int:
    lines = 0
    for line in csv_lines(export, rows):
        stream.write(line)
        lines += 1
    return lines - 1  # the rows, without the header


def write_xlsx(export: Export, rows: Iterable[tuple], stream) -> int:
    """One worksheet, constant memory: a row is flushed as soon as the next one starts. Text is
    written with `write_string` (never parsed as a formula) and neutralised as in the CSV."""
    workbook = xlsxwriter.Workbook(
        stream,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "in_memory": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    sheet = workbook.add_worksheet(str(export.label)[:31])
    bold = workbook.add_format({"bold": True})
    formats = {
        AMOUNT: workbook.add_format({"num_format": "#,##0.00"}),
        DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
        DATETIME: workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
    }
    kinds = [c.kind for c in export.columns]
    for col, heading in enumerate(export.headings):
        sheet.write_string(0, col, heading, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, (value, kind) in enumerate(zip(row, kinds, strict=True)):
            if value is None or value == "":
                continue
            if kind in (AMOUNT, NUMBER):
                sheet.write_number(count, col, float(value), formats.get(kind))
            elif kind == DATETIME and isinstance(value, datetime.datetime):
                sheet.write_datetime(count, col, _local(value).replace(tzinfo=None), formats[kind])
            elif kind == DATE and isinstance(value, datetime.date):
                sheet.write_datetime(
                    count, col, datetime.datetime.combine(value, datetime.time()), formats[kind]
                )
            else:
                sheet.write_string(count, col, neutralise(str(value)))
    workbook.close()
    return count


def csv_response(export: Export, queryset: QuerySet, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(export, export.rows(queryset)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(export: Export, queryset: QuerySet, filename: str) -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_xlsx(export, export.rows(queryset), spool)
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- The exports ------------------------------------------------------------------------


def reporting_columns(prefix: str = "", amount: bool = True) -> list[Column]:
    """The value in the reporting currency, its rate, the rate's date and source (blank when
    no rate was in force on the row's date: see the missing-rate flags)."""
    columns = [Column("reporting_amount", f"{prefix}reporting_amount", AMOUNT)] if amount else []
    return columns + [
        Column("reporting_currency", f"{prefix}reporting_currency"),
        Column("reporting_rate", f"{prefix}reporting_rate", NUMBER),
        Column("rate_date", f"{prefix}reporting_rate_date", DATE),
        Column("rate_source", f"{prefix}reporting_rate_source"),
    ]


def _label(choices):
    labels = dict(choices)
    return lambda value: str(labels.get(value, value))


def _methods(value: str) -> str:
    labels = dict(PaymentMethod.choices)
    return ", ".join(str(labels.get(m, m)) for m in value.split(",") if m)


def _entry_number(pk: int) -> str:
    return f"JE-{pk:07d}"


PAYMENTS = register(
    Export(
        name="payments",
        label=_("Payments"),
        model=Payment,
        date_lookup="created_at",
        ordering=("created_at", "pk"),
        columns=[
            Column("created_at", "created_at", DATETIME),
            Column("pledge", "pledge__reference"),
            Column("organisation", "pledge__organisation__legal_name"),
            Column("event", "pledge__event__title"),
            Column("method", "method", convert=_label(PaymentMethod.choices)),
            Column("attempt", "attempt", NUMBER),
            Column("status", "status", convert=_label(PaymentStatus.choices)),
            Column("amount", "amount", AMOUNT),
            Column("currency", "currency"),
            Column("bank_reference", "bank_reference"),
            Column("value_date", "value_date", DATE),
            Column("stripe_payment_intent", "stripe_payment_intent"),
            Column("received_at", "succeeded_at", DATETIME),
            Column("receipt", "receipt__number"),
            *reporting_columns(),
        ],
    )
)

RECEIPTS = register(
    Export(
        name="receipts",
        label=_("Receipts"),
        model=Receipt,
        date_lookup="issued_at",
        ordering=("year", "sequence"),
        columns=[
            Column("number", "number"),
            Column("issued_at", "issued_at", DATETIME),
            Column("pledge", "pledge__reference"),
            Column("organisation", "organisation__legal_name"),
            Column("event", "pledge__event__title"),
            Column("amount", "amount", AMOUNT),
            Column("currency", "currency"),
            Column("method", "method", convert=_methods),
            *reporting_columns(),
        ],
    )
)

INVOICES = register(
    Export(
        name="invoices",
        label=_("Invoices"),
        model=Invoice,
        date_lookup="issued_at",
        ordering=("year", "sequence"),
        columns=[
            Column("number", "number"),
            Column("issued_at", "issued_at", DATETIME),
            Column("due_date", "due_date", DATE),
            Column("pledge", "pledge__reference"),
            Column("organisation", "organisation__legal_name"),
            Column("event", "pledge__event__title"),
            Column("amount", "amount", AMOUNT),
            Column("currency", "currency"),
            Column("payment_reference", "payment_reference"),
            *reporting_columns(),
        ],
    )
)

CREDIT_NOTES = register(
    Export(
        name="credit_notes",
        label=_("Credit notes"),
        model=CreditNote,
        date_lookup="issued_at",
        ordering=("year", "sequence"),
        columns=[
            Column("number", "number"),
            Column("issued_at", "issued_at", DATETIME),
            Column("receipt", "receipt__number"),
            Column("invoice", "invoice__number"),
            Column("pledge", "pledge__reference"),
            Column("organisation", "organisation__legal_name"),
            Column("event", "pledge__event__title"),
            Column("amount", "amount", AMOUNT),
            Column("currency", "currency"),
            Column("reason", "reason"),
            *reporting_columns(),
        ],
    )
)

register(
    Export(
        name="unallocated",
        label=_("Unallocated money"),
        model=UnallocatedTransfer,
        date_lookup="value_date",
        ordering=("value_date", "pk"),
        columns=[
            Column("value_date", "value_date", DATE),
            Column("recorded_at", "created_at", DATETIME),
            Column("bank_reference", "bank_reference"),
            Column("payer", "payer_name"),
            Column("reference_quoted", "quoted_reference"),
            Column("amount", "amount", AMOUNT),
            Column("currency", "currency"),
            Column("status", "status", convert=_label(UnallocatedStatus.choices)),
            Column("returned_amount", "returned_amount", AMOUNT),
            Column("returned_on", "returned_on", DATE),
            Column("return_reference", "return_reference"),
            Column("note", "note"),
        ],
    )
)

JOURNAL = register(
    Export(
        name="journal",
        label=_("Journal"),
        model=JournalLine,
        date_lookup="entry__date",
        ordering=("entry__date", "entry_id", "pk"),
        columns=[
            Column("date", "entry__date", DATE),
            Column("entry", "entry_id", convert=_entry_number),
            Column("account", "account", convert=ledger.account_code),
            Column("debit", "debit", AMOUNT),
            Column("credit", "credit", AMOUNT),
            Column("currency", "entry__currency"),
            Column("event", "event__title"),
            Column("document", "entry__document"),
            Column("organisation", "entry__organisation__legal_name"),
            Column("account_name", "account", convert=ledger.account_name),
            Column("kind", "entry__kind", convert=_label(PostingKind.choices)),
            Column("pledge", "entry__pledge__reference"),
            Column("description", "entry__description"),
            Column("reporting_debit", "reporting_debit", AMOUNT),
            Column("reporting_credit", "reporting_credit", AMOUNT),
            *reporting_columns("entry__", amount=False),
        ],
    )
)
