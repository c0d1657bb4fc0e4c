"""Importing rates of exchange from a CSV file shaped like the UN operational rates:

    currency,per_usd,valid_from,valid_to,source
    CHF,0.968,2018-01-01,2018-01-31,UN operational rate of exchange

Every line is checked before anything is stored; one bad line (an unknown currency, a rate that
is not a positive decimal, a date that is not ISO 8601, a period that ends before it starts, a
period that overlaps another rate of the currency — stored or earlier in the file — at a
different figure) refuses the whole file, with each line's number and reason. A line equal to a
stored rate (currency, period and figure) is unchanged, so importing the same file twice is a
no-op. What is stored values the rows that were waiting for it (`reporting.apply_rates`), in
the same transaction.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.finance.rates import BASE, ExchangeRate, is_currency
from marketplace.finance.reporting import apply_rates

COLUMNS = ["currency", "per_usd", "valid_from", "valid_to", "source"]
MAX_LINES = 100_000


class RateFileRefused(ValueError):
    """The file was refused whole; `problems` lists (line number, reason)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("\n".join(f"line {line}: {reason}" for line, reason in problems))


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    valued: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RateLine:
    line: int
    currency: str
    per_usd: Decimal
    valid_from: datetime.date
    valid_to: datetime.date
    source: str


def _date(text: str, column: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            _("%(column)s “%(value)s” is not a date (YYYY-MM-DD).")
            % {"column": column, "value": text}
        ) from None


def parse_line(number: int, row: dict) -> RateLine:
    """One line, or ValueError with the reason."""
    currency = (row.get("currency") or "").strip().upper()
    if not is_currency(currency):
        raise ValueError(_("“%(code)s” is not an ISO 4217 currency code.") % {"code": currency})
    if currency == BASE:
        raise ValueError(_("The US dollar is the base: its rate is 1 by definition."))
    text = (row.get("per_usd") or "").strip()
    try:
        per_usd = Decimal(text)
    except InvalidOperation:
        per_usd = None
    if per_usd is None or not per_usd.is_finite() or per_usd <= 0:
        raise ValueError(
            _("per_usd “%(value)s” is not a positive decimal number.") % {"value": text}
        )
    if per_usd.as_tuple().exponent < -6 or per_usd >= Decimal("1e14"):
        raise ValueError(
            _("per_usd “%(value)s” has more than 6 decimals or 14 digits.") % {"value": text}
        )
    valid_from = _date(row.get("valid_from") or "", "valid_from")
    valid_to = _date(row.get("valid_to") or "", "valid_to")
    if valid_to < valid_from:
        raise ValueError(
            _("valid_to %(to)s is before valid_from %(from)s.")
            % {"to": valid_to.isoformat(), "from": valid_from.isoformat()}
        )
    source = (row.get("source") or "").strip()
    if not source:
        raise ValueError(_("The source is missing (e.g. UN operational rate of exchange)."))
    if len(source) > 200:
        raise ValueError(_("The source is longer than 200 characters."))
    return RateLine(number, currency, per_usd, valid_from, valid_to, source)


def read(text: str) -> list[RateLine]:
    """Every line of the file, or RateFileRefused listing each bad one."""
    lines, problems = _read(text)
    if problems:
        raise RateFileRefused(problems)
    return lines


def _read(text: str) -> tuple[list[RateLine], list[tuple[int, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if header[: len(COLUMNS)] != COLUMNS:
        raise RateFileRefused(
            [(1, _("The header must be: %(columns)s.") % {"columns": ",".join(COLUMNS)})]
        )
    reader.fieldnames = header
    lines, problems = [], []
    for row in reader:
        number = reader.line_num
        if number > MAX_LINES:
            raise RateFileRefused([(number, _("The file has too many lines."))])
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        try:
            lines.append(parse_line(number, row))
        except ValueError as error:
            problems.append((number, str(error)))
    if not lines and not problems:
        problems.append((1, _("The file has no rates.")))
    return lines, problems


def _same(stored: ExchangeRate, line: RateLine) -> bool:
    return (
        stored.valid_from == line.valid_from
        and stored.valid_to == line.valid_to
        and stored.per_usd == line.per_usd
    )


@transaction.atomic
def import_rates(text: str) -> ImportResult:
    """Store the file's rates (all or none) and value what waited for them."""
    lines, problems = _read(text)
    currencies = sorted({line.currency for line in lines})
    # Locks the currencies' rates, so two imports of the same currency cannot both pass the
    # overlap check (a currency with no rate yet is serialised by the unique constraint).
    stored: dict[str, list[ExchangeRate]] = {}
    for rate in (
        ExchangeRate.objects.select_for_update().filter(currency__in=currencies).order_by("pk")
    ):
        stored.setdefault(rate.currency, []).append(rate)
    new, unchanged = [], 0
    seen: dict[str, list[RateLine]] = {}
    for line in lines:
        clash = None
        for rate in stored.get(line.currency, ()):
            if rate.valid_from <= line.valid_to and rate.valid_to >= line.valid_from:
                clash = rate
                break
        if clash is not None and _same(clash, line):
            unchanged += 1
            continue
        if clash is not None:
            problems.append(
                (
                    line.line,
                    _("%(code)s %(from)s–%(to)s overlaps the stored rate %(other)s.")
                    % {
                        "code": line.currency,
                        "from": line.valid_from.isoformat(),
                        "to": line.valid_to.isoformat(),
                        "other": clash,
                    },
                )
            )
            continue
        earlier = next(
            (
                other
                for other in seen.get(line.currency, ())
                if other.valid_from <= line.valid_to and other.valid_to >= line.valid_from
            ),
            None,
        )
        if earlier is not None:
            if earlier.per_usd == line.per_usd and (earlier.valid_from, earlier.valid_to) == (
                line.valid_from,
                line.valid_to,
            ):
                unchanged += 1
                continue
            problems.append(
                (
                    line.line,
                    _("%(code)s %(from)s–%(to)s overlaps line %(other)s of the file.")
                    % {
                        "code": line.currency,
                        "from": line.valid_from.isoformat(),
                        "to": line.valid_to.isoformat(),
                        "other": earlier.line,
                    },
                )
            )
            continue
        seen.setdefault(line.currency, []).append(line)
        new.append(line)
    if problems:
        raise RateFileRefused(sorted(problems))
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency=line.currency,
            per_usd=line.per_usd,
            valid_from=line.valid_from,
            valid_to=line.valid_to,
            source=line.source,
        )
        for line in new
    )
    result = ImportResult(created=len(new), unchanged=unchanged)
    if new:
        result.valued = apply_rates()
    return result
