"""Bank exports in CSV, read through a named profile of `BANK_CSV_PROFILES` (settings).

A profile says how the bank writes its file: `delimiter`, `decimal` (separator), `thousands`
(a separator to drop, e.g. the Swiss apostrophe), `date_format` (strptime), `encoding`,
`skip_rows` (lines before the header) and `columns`, the header of each field:
`booking_date` (required), `value_date`, `amount` (signed: negative is outgoing) or `credit`
and `debit` (two columns, one filled per line), `currency` (or the profile's `currency`),
`payer`, `payer_account`, `remittance` (one header or a list, joined), `bank_reference`, and
optionally `iban`. A CSV carries no balances, so none is checked; a file is still all or
nothing, and a bad row is refused with its line number.
"""

import csv
import datetime
import io

from django.conf import settings
from django.utils.translation import gettext as _

from marketplace.finance.statements.parsing import (
    ParsedLine,
    ParsedStatement,
    StatementError,
    decode,
    normalise_iban,
    parse_amount,
    parse_currency,
)


def profiles() -> dict:
    return getattr(settings, "BANK_CSV_PROFILES", {})


def get_profile(name: str | None) -> tuple[str, dict]:
    name = name or getattr(settings, "BANK_CSV_DEFAULT_PROFILE", "generic")
    try:
        return name, profiles()[name]
    except KeyError as error:
        raise StatementError(
            _("No CSV profile is named “%(name)s” (known: %(known)s).")
            % {"name": name, "known": ", ".join(sorted(profiles())) or "—"}
        ) from error


def parse_csv(data: bytes, profile_name: str | None = None) -> list[ParsedStatement]:
    name, profile = get_profile(profile_name)
    text = decode(data, profile.get("encoding", "utf-8"))
    skip = int(profile.get("skip_rows", 0))
    rows = csv.reader(io.StringIO(text), delimiter=profile.get("delimiter", ","))
    columns = profile["columns"]
    header, index = None, {}
    statement = ParsedStatement(format="csv", iban="", currency=profile.get("currency", ""))
    position = 0
    for line_number, row in enumerate(rows, start=1):
        if line_number <= skip or not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            index = _index(header, columns, name, line_number)
            continue
        position += 1
        where = _("line %(line)s") % {"line": line_number}
        statement.lines.append(_line(row, index, profile, position, where))
        if "iban" in index and not statement.iban:
            statement.iban = normalise_iban(_cell(row, index, "iban"))
    if header is None:
        raise StatementError(
            _("The file has no header row for the CSV profile “%(name)s”.") % {"name": name}
        )
    if not statement.lines:
        raise StatementError(_("The file has a header but no transaction."))
    statement.currency = statement.currency or statement.lines[0].currency
    statement.profile = name
    return [statement]


def _index(header, columns, name, line_number) -> dict:
    index = {}
    for field, wanted in columns.items():
        names = wanted if isinstance(wanted, list | tuple) else [wanted]
        positions = []
        for column in names:
            if column not in header:
                raise StatementError(
                    _("The column “%(column)s” (%(field)s) is missing: is this a “%(name)s” file?")
                    % {"column": column, "field": field, "name": name},
                    where=_("line %(line)s") % {"line": line_number},
                )
            positions.append(header.index(column))
        index[field] = positions
    if "booking_date" not in index or not ("amount" in index or "credit" in index):
        raise StatementError(
            _("The CSV profile “%(name)s” maps no booking date or amount.") % {"name": name}
        )
    return index


def _cell(row, index, field) -> str:
    values = [row[i].strip() if i < len(row) else "" for i in index.get(field, [])]
    return "\n".join(value for value in values if value)


def _date(raw, fmt, where) -> datetime.date:
    try:
        return datetime.datetime.strptime(raw.strip(), fmt).date()
    except ValueError as error:
        raise StatementError(
            _("“%(value)s” is not a date in the form %(format)s.") % {"value": raw, "format": fmt},
            where=where,
        ) from error


def _line(row, index, profile, position, where) -> ParsedLine:
    decimal = profile.get("decimal", ".")
    thousands = profile.get("thousands", "")

    def money(raw):
        raw = raw.replace(thousands, "") if thousands else raw
        return parse_amount(raw.lstrip("+"), where=where, decimal_separator=decimal)

    if "amount" in index:
        raw = _cell(row, index, "amount")
        is_credit = not raw.startswith("-")
        amount = money(raw.lstrip("-"))
    else:
        credit, debit = _cell(row, index, "credit"), _cell(row, index, "debit")
        if bool(credit) == bool(debit):
            raise StatementError(
                _("Exactly one of the credit and debit columns must hold an amount."), where=where
            )
        is_credit = bool(credit)
        amount = money((credit or debit).lstrip("-"))
    if amount == 0:
        raise StatementError(_("The amount is zero."), where=where)
    fmt = profile.get("date_format", "%Y-%m-%d")
    booked = _date(_cell(row, index, "booking_date"), fmt, where)
    valued_raw = _cell(row, index, "value_date")
    currency = _cell(row, index, "currency") or profile.get("currency", "")
    return ParsedLine(
        position=position,
        booking_date=booked,
        value_date=_date(valued_raw, fmt, where) if valued_raw else booked,
        amount=amount,
        currency=parse_currency(currency, where=where),
        is_credit=is_credit,
        bank_reference=_cell(row, index, "bank_reference")[:120],
        payer_name=_cell(row, index, "payer")[:200],
        payer_account=normalise_iban(_cell(row, index, "payer_account"))[:60],
        remittance=_cell(row, index, "remittance"),
        where=where,
    )
