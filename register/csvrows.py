"""Reading the register's CSV into checked rows, without touching the database.

Every problem is reported as `line N: column: reason`, all of them in one pass, so a person can
fix the whole file at once. Checks that need the database (an `amends` outside the file) are in
`importing.py`.
"""

import csv
import datetime
import heapq
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from register import csvformat
from register.choices import (
    AgreementType,
    AreaOfAction,
    Contribution,
    PartnerCategory,
    Region,
    code_set,
    codes,
)
from register.currencies import is_currency, is_non_currency_code

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LENGTHS = {"reference": 64, "title": 255, "partner": 200}
MAX_VALUE = Decimal("1e14")
# A file with thousands of bad rows is usually one systematic mistake: the first errors say
# what it is, and keeping (or rendering) them all would cost memory for nothing.
MAX_ERRORS = 200


def normalise_reference(reference: str) -> str:
    """The form references are compared in: `bdt / 2018 / 001` is `BDT/2018/001`."""
    return "".join(reference.split()).upper()


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.column}: {self.reason}"


class ErrorList:
    """Every error of a file is counted, but only the `cap` first ones (by line) are kept, so
    a file of 200,000 bad rows costs the memory of 200 errors. Errors may arrive out of line
    order (an `amends` is only known to be wrong at the end of the file)."""

    def __init__(self, cap: int = MAX_ERRORS):
        self.cap = cap
        self.total = 0
        self._heap: list[tuple[int, int, RowError]] = []  # (-line, -seq, error): a max-heap
        self._seq = itertools.count()

    def append(self, error: RowError) -> None:
        self.total += 1
        item = (-error.line, -next(self._seq), error)
        if len(self._heap) < self.cap:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    def extend(self, errors) -> None:
        for error in errors:
            self.append(error)

    @property
    def kept(self) -> list[RowError]:
        """The kept errors in line order (then in the order they were found)."""
        return [error for _line, _seq, error in sorted(self._heap, reverse=True)]

    @property
    def more(self) -> int:
        """How many errors were counted but not kept."""
        return self.total - len(self._heap)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass(slots=True)
class ParsedRow:
    line: int
    reference: str
    title: str
    partners: list[str]
    partner_category: str
    agreement_type: str
    signed_on: datetime.date | None
    entry_into_force: datetime.date | None
    value: Decimal | None
    currency: str
    contribution: str
    regions: list[str]
    areas: list[str]
    objective: str
    amends: str

    def as_row(self) -> dict[str, str]:
        """The same text form as `csvformat.agreement_row` gives for a stored agreement."""
        return {
            "reference": self.reference,
            "title": self.title,
            "partner": csvformat.join(self.partners),
            "partner_category": self.partner_category,
            "agreement_type": self.agreement_type,
            "signed_on": csvformat.format_date(self.signed_on),
            "entry_into_force": csvformat.format_date(self.entry_into_force),
            "value": csvformat.format_value(self.value),
            "currency": self.currency,
            "contribution": self.contribution,
            "regions": csvformat.join(self.regions),
            "areas": csvformat.join(self.areas),
            "objective": self.objective,
            "amends": self.amends,
        }


class _Row:
    """Collects one record's values and errors."""

    def __init__(self, line: int, cells: dict[str, str], errors: "ErrorList"):
        self.line, self.cells, self.errors = line, cells, errors

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))

    def text(self, column: str, required: bool = False) -> str:
        value = self.cells[column]
        if required and not value:
            self.error(column, "is required")
        elif column in MAX_LENGTHS and len(value) > MAX_LENGTHS[column]:
            self.error(column, f"is longer than {MAX_LENGTHS[column]} characters")
        return value

    def choice(self, column: str, vocabulary, what: str) -> str:
        value = self.cells[column].lower()
        if not value:
            self.error(column, "is required")
        elif value not in code_set(vocabulary):
            self.error(column, f"unknown {what} {value!r} (expected one of {_codes(vocabulary)})")
        return value

    def codes(self, column: str, vocabulary, what: str, upper: bool = False) -> list[str]:
        values = csvformat.split(self.cells[column])
        values = [value.upper() if upper else value.lower() for value in values]
        if not values:
            self.error(column, f"at least one {what} is required")
        for value in values:
            if value not in code_set(vocabulary):
                self.error(column, f"unknown {what} {value!r} (expected {_codes(vocabulary)})")
        return csvformat.canonical_codes(values, vocabulary)

    def date(self, column: str) -> datetime.date | None:
        value = self.cells[column]
        if not value:
            return None
        if not ISO_DATE.match(value):
            self.error(column, f"{value!r} is not a date in the form YYYY-MM-DD")
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(column, f"{value!r} is not a possible date")
            return None

    def decimal(self, column: str) -> Decimal | None:
        value = self.cells[column].replace(" ", "").replace("\u00a0", "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.error(column, f"{value!r} is not a number (use digits and a point, e.g. 1500.00)")
            return None
        if number < 0:
            self.error(column, f"{value} is negative")
        elif number >= MAX_VALUE:
            self.error(column, f"{value} is too large")
        elif number != number.quantize(Decimal("0.01")):
            self.error(column, f"{value} has more than two decimal places")
        return number


def _codes(vocabulary) -> str:
    return ", ".join(codes(vocabulary))


def _parse(row: _Row, today: datetime.date) -> ParsedRow:
    reference = row.text("reference", required=True)
    value = row.decimal("value")
    currency = row.cells["currency"].upper()
    if currency and is_non_currency_code(currency):
        row.error(
            "currency",
            f"{currency!r} is an ISO 4217 code but not money (a metal, unit of account or "
            "test code): give the currency the value is paid in",
        )
    elif currency and not is_currency(currency):
        row.error("currency", f"unknown currency {currency!r} (expected an ISO 4217 code)")
    elif value is not None and not currency:
        row.error("currency", "is required when a value is given")
    partners = csvformat.split(row.cells["partner"])
    if not partners:
        row.error("partner", "at least one partner is required")
    for name in partners:
        if len(name) > MAX_LENGTHS["partner"]:
            row.error(
                "partner", f"{name[:30]!r}… is longer than {MAX_LENGTHS['partner']} characters"
            )
    agreement_type = row.choice("agreement_type", AgreementType, "agreement type")
    amends = row.cells["amends"]
    if amends and normalise_reference(amends) == normalise_reference(reference):
        row.error("amends", "an agreement cannot amend itself")
    elif amends and agreement_type in code_set(AgreementType) and agreement_type != "addendum":
        row.error(
            "amends", f"only an addendum amends an agreement (this one is {agreement_type!r})"
        )
    signed_on = row.date("signed_on")
    entry_into_force = row.date("entry_into_force")
    if signed_on and signed_on > today:
        row.error("signed_on", f"{signed_on.isoformat()} is in the future")
    if signed_on and entry_into_force and entry_into_force < signed_on:
        row.error(
            "entry_into_force",
            f"{entry_into_force.isoformat()} is before the signature ({signed_on.isoformat()})",
        )
    contribution = row.choice("contribution", Contribution, "contribution")
    if contribution == Contribution.CASH and value is None and not row.cells["value"]:
        row.error("value", "is required for a cash contribution")
    return ParsedRow(
        line=row.line,
        reference=reference,
        title=row.text("title", required=True),
        partners=partners,
        partner_category=row.choice("partner_category", PartnerCategory, "partner category"),
        agreement_type=agreement_type,
        signed_on=signed_on,
        entry_into_force=entry_into_force,
        value=value,
        currency=currency,
        contribution=contribution,
        regions=row.codes("regions", Region, "region", upper=True),
        areas=row.codes("areas", AreaOfAction, "area of action"),
        objective=row.cells["objective"],
        amends=amends,
    )


def parse_records(stream, errors: ErrorList) -> Iterator[tuple[ParsedRow, bool]]:
    """Parse and check each record of a CSV text stream (opened with newline="") as it is
    read, yielding `(row, ok)`; `ok` is False when the row itself has an error. Every error,
    the file's own included (header, encoding, broken quoting), goes to `errors`. Only one
    record is in memory at a time. Checks across rows (duplicates, `amends`) are the
    caller's."""
    reader = csv.reader(stream)
    today = timezone.localdate()  # once: it costs more than the rest of a row's checks
    try:
        header = next(reader, None)
        if header is None:
            errors.append(RowError(1, "header", "the file is empty"))
            return
        header = [cell.strip().lstrip("\ufeff") for cell in header]
        if tuple(header) != csvformat.COLUMNS:
            expected = ",".join(csvformat.COLUMNS)
            errors.append(RowError(1, "header", f"expected exactly these columns: {expected}"))
            return
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) != len(csvformat.COLUMNS):
                    errors.append(
                        RowError(
                            line,
                            "row",
                            f"has {len(record)} cells, expected {len(csvformat.COLUMNS)}",
                        )
                    )
                else:
                    cells = {
                        column: csvformat.restore(cell.strip())
                        for column, cell in zip(csvformat.COLUMNS, record, strict=True)
                    }
                    before = errors.total
                    parsed = _parse(_Row(line, cells, errors), today)
                    yield parsed, errors.total == before
            line = reader.line_num + 1
    except UnicodeDecodeError:
        errors.append(RowError(reader.line_num + 1, "file", "is not UTF-8 text"))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", f"is not valid CSV ({exc})"))
