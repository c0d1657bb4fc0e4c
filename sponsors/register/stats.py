"""The register's statistics, as reported to Member States.

Rules (one home for them): the year is the year of `signed_on` (agreements without one are not
counted); "new agreements" exclude addenda, which are counted on their own (`by="type"`); an
agreement with k beneficiary regions counts 1/k in each of them, so a year's regions add up to
its number of new agreements — and the same for areas of action. Shares are summed exactly
(integers over a common denominator) and rounded to two decimals only when shown.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from sponsors.register.choices import AgreementType, AreaOfAction, PartnerCategory, Region
from sponsors.register.models import Agreement, AgreementArea, AgreementRegion

DIMENSIONS = {
    "region": Region,
    "area": AreaOfAction,
    "type": AgreementType,
    "category": PartnerCategory,
}
MIN_YEAR, MAX_YEAR = 1900, 2200
CENT = Decimal("0.01")


@dataclass
class StatsRow:
    year: int
    values: list[Fraction]
    total: int


@dataclass
class StatsTable:
    by: str
    codes: list[str]
    labels: list[str]
    rows: list[StatsRow]

    def header(self) -> list[str]:
        return ["year", *self.codes, "total"]

    def csv_rows(self) -> list[list[str]]:
        """The header, then one row per year, numbers as `format_number` writes them."""
        return [self.header()] + [
            [str(row.year), *(format_number(v) for v in row.values), str(row.total)]
            for row in self.rows
        ]

    def column_totals(self) -> list[Fraction]:
        return [
            sum((row.values[i] for row in self.rows), Fraction(0)) for i in range(len(self.codes))
        ]

    def grand_total(self) -> int:
        return sum(row.total for row in self.rows)


def format_number(value: Fraction) -> str:
    """16.5, 3, 0.33: whole numbers without decimals, others rounded to two."""
    if value.denominator == 1:
        return str(value.numerator)
    rounded = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return f"{rounded:.2f}".rstrip("0").rstrip(".")


def signed_between(year_from: int | None, year_to: int | None, prefix: str = "") -> Q:
    """Signed (in the given years, when given); `prefix` for a lookup through a relation."""
    field = f"{prefix}signed_on"
    q = Q(**{f"{field}__isnull": False})
    if year_from:
        q &= Q(**{f"{field}__gte": datetime.date(max(year_from, MIN_YEAR), 1, 1)})
    if year_to:
        q &= Q(**{f"{field}__lte": datetime.date(min(year_to, MAX_YEAR), 12, 31)})
    return q


def _years(counted: dict[int, object], year_from, year_to) -> list[int]:
    first = year_from or (min(counted) if counted else None)
    last = year_to or (max(counted) if counted else None)
    if first is None or last is None:
        return []
    return list(range(max(first, MIN_YEAR), min(last, MAX_YEAR) + 1))


def agreement_stats(by: str, year_from: int | None = None, year_to: int | None = None):
    """A table of agreements per year and code of the dimension `by` (region, area, type or
    partner category). For region and area each agreement is shared 1/k among its k codes; for
    type and category each counts 1 in its own (type includes addenda, the others do not)."""
    vocabulary = DIMENSIONS[by]
    agreements = Agreement.objects.filter(signed_between(year_from, year_to))
    if by != "type":
        agreements = agreements.exclude(agreement_type=AgreementType.ADDENDUM)
    totals = dict(
        agreements.annotate(year=ExtractYear("signed_on"))
        .values_list("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
        .order_by()
    )
    if by in ("region", "area"):
        cells = _shared_counts(by, vocabulary, year_from, year_to)
    else:
        field = "agreement_type" if by == "type" else "partner_category"
        cells = defaultdict(Fraction)
        for year, code, n in (
            agreements.annotate(year=ExtractYear("signed_on"))
            .values_list("year", field)
            .annotate(n=Count("pk"))
            .values_list("year", field, "n")
            .order_by()
        ):
            cells[(year, code)] += n
    rows = [
        StatsRow(
            year=year,
            values=[Fraction(cells.get((year, code), 0)) for code in vocabulary.values],
            total=totals.get(year, 0),
        )
        for year in _years(totals, year_from, year_to)
    ]
    return StatsTable(
        by=by, codes=list(vocabulary.values), labels=list(vocabulary.labels), rows=rows
    )


def _shared_counts(by, vocabulary, year_from, year_to) -> dict[tuple[int, str], Fraction]:
    """{(year, code): sum of 1/k} over new agreements, exactly."""
    model = AgreementRegion if by == "region" else AgreementArea
    denominator = math.lcm(*range(1, len(vocabulary.values) + 1))
    links = (
        model.objects.filter(signed_between(year_from, year_to, prefix="agreement__"))
        .exclude(agreement__agreement_type=AgreementType.ADDENDUM)
        .order_by()
        .values_list("agreement_id", "agreement__signed_on", "code")
    )
    codes_of: dict[int, list[str]] = defaultdict(list)
    year_of: dict[int, int] = {}
    for agreement_id, signed_on, code in links.iterator(chunk_size=20000):
        codes_of[agreement_id].append(code)
        year_of[agreement_id] = signed_on.year
    units: dict[tuple[int, str], int] = defaultdict(int)
    for agreement_id, codes in codes_of.items():
        share = denominator // len(codes)
        year = year_of[agreement_id]
        for code in codes:
            units[(year, code)] += share
    return {key: Fraction(value, denominator) for key, value in units.items()}


@dataclass
class ValueTable:
    currencies: list[str]
    rows: list[tuple[int, list[Decimal]]]

    def csv_rows(self) -> list[list[str]]:
        return [["year", *self.currencies]] + [
            [str(year), *(f"{value:.2f}" for value in values)] for year, values in self.rows
        ]


def value_by_currency(year_from: int | None = None, year_to: int | None = None) -> ValueTable:
    """Total stated value per year and currency, over all agreements (addenda included) that
    state a value; currencies are never added together."""
    sums = (
        Agreement.objects.filter(signed_between(year_from, year_to), value__isnull=False)
        .exclude(currency="")
        .annotate(year=ExtractYear("signed_on"))
        .values_list("year", "currency")
        .annotate(total=Sum("value"))
        .values_list("year", "currency", "total")
        .order_by()
    )
    cells = {(year, currency): Decimal(total).quantize(CENT) for year, currency, total in sums}
    currencies = sorted({currency for _, currency in cells})
    years = _years({year: 1 for year, _ in cells}, year_from, year_to)
    zero = Decimal("0.00")
    rows = [(year, [cells.get((year, c), zero) for c in currencies]) for year in years]
    return ValueTable(currencies=currencies, rows=rows)
