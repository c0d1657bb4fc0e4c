"""Reading the register's CSV into checked rows, without touching the database.

Every problem is reported as `line N: column: reason`, all of them in one pass, so a person can
fix the whole file at once. Checks that need the database (an `amends` outside the file) are in
`importing.py`.
"""

import csv
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sponsors.register import csvformat
from sponsors.register.choices import (
    AgreementType,
    AreaOfAction,
    Contribution,
    PartnerCategory,
    Region,
    code_set,
    codes,
)
from sponsors.register.currencies import is_currency

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LENGTHS = {"reference": 64, "title": 255, "partner": 200}
MAX_VALUE = Decimal("1e14")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.column}: {self.reason}"


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

    def __init__(self, line: int, cells: dict[str, str], errors: list[RowError]):
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


def _parse(row: _Row) -> ParsedRow:
    reference = row.text("reference", required=True)
    value = row.decimal("value")
    currency = row.cells["currency"].upper()
    if currency and not is_currency(currency):
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
    if amends and amends == reference:
        row.error("amends", "an agreement cannot amend itself")
    elif amends and agreement_type in code_set(AgreementType) and agreement_type != "addendum":
        row.error(
            "amends", f"only an addendum amends an agreement (this one is {agreement_type!r})"
        )
    return ParsedRow(
        line=row.line,
        reference=reference,
        title=row.text("title", required=True),
        partners=partners,
        partner_category=row.choice("partner_category", PartnerCategory, "partner category"),
        agreement_type=agreement_type,
        signed_on=row.date("signed_on"),
        entry_into_force=row.date("entry_into_force"),
        value=value,
        currency=currency,
        contribution=row.choice("contribution", Contribution, "contribution"),
        regions=row.codes("regions", Region, "region", upper=True),
        areas=row.codes("areas", AreaOfAction, "area of action"),
        objective=row.cells["objective"],
        amends=amends,
    )


def read_rows(stream) -> tuple[list[ParsedRow], list[RowError]]:
    """Parse and check every record of a CSV text stream (opened with newline="").

    Returns the rows and every error found; rows are only meaningful when there is no error.
    """
    errors: list[RowError] = []
    rows: list[ParsedRow] = []
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            return [], [RowError(1, "header", "the file is empty")]
        header = [cell.strip().lstrip("\ufeff") for cell in header]
        if tuple(header) != csvformat.COLUMNS:
            expected = ",".join(csvformat.COLUMNS)
            return [], [RowError(1, "header", f"expected exactly these columns: {expected}")]
        first_line_by_reference: dict[str, int] = {}
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                parsed = _read_record(line, record, errors, first_line_by_reference)
                if parsed is not None:
                    rows.append(parsed)
            line = reader.line_num + 1
    except UnicodeDecodeError:
        errors.append(RowError(reader.line_num + 1, "file", "is not UTF-8 text"))
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", f"is not valid CSV ({exc})"))
    return rows, errors


def _read_record(line, record, errors, first_line_by_reference) -> ParsedRow | None:
    if len(record) != len(csvformat.COLUMNS):
        errors.append(
            RowError(line, "row", f"has {len(record)} cells, expected {len(csvformat.COLUMNS)}")
        )
        return None
    cells = {
        column: csvformat.restore(cell.strip())
        for column, cell in zip(csvformat.COLUMNS, record, strict=True)
    }
    parsed = _parse(_Row(line, cells, errors))
    if parsed.reference:
        first = first_line_by_reference.setdefault(parsed.reference, line)
        if first != line:
            errors.append(RowError(line, "reference", f"duplicate of line {first}"))
    return parsed
