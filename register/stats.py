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
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum

from marketplace.finance.rates import reporting_currency
from register.choices import AgreementType, AreaOfAction, PartnerCategory, Region, codes
from register.facets import AREA_BITS, REGION_BITS, codes_of
from register.models import AgreementFacet

DIMENSIONS = {
    "region": Region,
    "area": AreaOfAction,
    "type": AgreementType,
    "category": PartnerCategory,
}
# Years a statistic may be asked for: the bureau signs nothing before 1950, and a year past
# 2100 is a typing error, not a plan.
MIN_YEAR, MAX_YEAR = 1950, 2100
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class YearOutOfRange(ValueError):
    """A year outside MIN_YEAR–MAX_YEAR was asked for."""


def check_year(year: int | None, name: str = "year") -> int | None:
    """The year, or YearOutOfRange with a message naming it."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise YearOutOfRange(f"{name}: {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return year


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


def _years_q(year_from, year_to) -> Q:
    q = Q(year__isnull=False)
    if year_from:
        q &= Q(year__gte=max(year_from, MIN_YEAR))
    if year_to:
        q &= Q(year__lte=min(year_to, MAX_YEAR))
    return q


def agreement_stats(
    by: str, year_from: int | None = None, year_to: int | None = None, *, publishable_only=False
):
    """A table of agreements per year and code of the dimension `by` (region, area, type or
    partner category). For region and area each agreement is shared 1/k among its k codes; for
    type and category each counts 1 in its own (type includes addenda, the others do not).
    Reads the facet rows: one grouped query, whatever the register's size. Without years it
    spans the years that have agreements; a year outside MIN_YEAR–MAX_YEAR raises
    YearOutOfRange. With `publishable_only`, only agreements marked publishable (open data)."""
    check_year(year_from, "from")
    check_year(year_to, "to")
    vocabulary = DIMENSIONS[by]
    rows_qs = AgreementFacet.objects.filter(_years_q(year_from, year_to)).order_by()
    if publishable_only:
        rows_qs = rows_qs.filter(agreement__publishable=True)
    if by != "type":
        rows_qs = rows_qs.exclude(agreement_type=AgreementType.ADDENDUM)
    field = {
        "region": "region_mask",
        "area": "area_mask",
        "type": "agreement_type",
        "category": "partner_category",
    }[by]
    counted = list(rows_qs.values_list("year", field).annotate(n=Count("pk")))
    totals: dict[int, int] = defaultdict(int)
    cells: dict[tuple[int, str], Fraction] = defaultdict(Fraction)
    if by in ("region", "area"):
        bits = REGION_BITS if by == "region" else AREA_BITS
        denominator = math.lcm(*range(1, len(bits) + 1))
        units: dict[tuple[int, str], int] = defaultdict(int)
        for year, mask, n in counted:
            totals[year] += n
            shared = codes_of(mask, bits)
            for code in shared:
                units[(year, code)] += n * (denominator // len(shared))
        cells.update({key: Fraction(value, denominator) for key, value in units.items()})
    else:
        for year, code, n in counted:
            totals[year] += n
            cells[(year, code)] += n
    rows = [
        StatsRow(
            year=year,
            values=[Fraction(cells.get((year, code), 0)) for code in codes(vocabulary)],
            total=totals.get(year, 0),
        )
        for year in _years(totals, year_from, year_to)
    ]
    return StatsTable(
        by=by, codes=list(codes(vocabulary)), labels=list(vocabulary.labels), rows=rows
    )


@dataclass
class ValueTable:
    currencies: list[str]
    rows: list[tuple[int, list[Decimal]]]
    # The reporting currency, each year's total in it, and how many agreements of the year
    # state a value that could not be valued (no rate on their signature date).
    reporting_currency: str = ""
    reporting_totals: dict[int, Decimal] = field(default_factory=dict)
    without_rate: dict[int, int] = field(default_factory=dict)

    def reporting_total(self, year: int) -> Decimal:
        return self.reporting_totals.get(year, ZERO)

    def csv_rows(self) -> list[list[str]]:
        """year, one column per currency, the total in the reporting currency (`total_USD`)
        and the count of agreements left out of it for want of a rate (`without_rate`)."""
        total = f"total_{self.reporting_currency}"
        return [["year", *self.currencies, total, "without_rate"]] + [
            [
                str(year),
                *(f"{value:.2f}" for value in values),
                f"{self.reporting_total(year):.2f}",
                str(self.without_rate.get(year, 0)),
            ]
            for year, values in self.rows
        ]


def value_by_currency(
    year_from: int | None = None, year_to: int | None = None, *, publishable_only=False
) -> ValueTable:
    """Total stated value per year and currency, over all agreements (addenda included) that
    state a value; currencies are never added together, except as each agreement's value in
    the reporting currency at the rate of its signature date (`reporting_totals`; those
    without a rate are counted in `without_rate`, never guessed)."""
    check_year(year_from, "from")
    check_year(year_to, "to")
    facets = AgreementFacet.objects.filter(_years_q(year_from, year_to), value__isnull=False)
    if publishable_only:
        facets = facets.filter(agreement__publishable=True)
    sums = (
        facets.exclude(currency="")
        .values_list("year", "currency")
        .annotate(total=Sum("value"))
        .values_list("year", "currency", "total")
        .order_by()
    )
    cells = {(year, currency): Decimal(total).quantize(CENT) for year, currency, total in sums}
    currencies = sorted({currency for _, currency in cells})
    years = _years({year: 1 for year, _ in cells}, year_from, year_to)
    rows = [(year, [cells.get((year, c), ZERO) for c in currencies]) for year in years]
    reporting = facets.exclude(currency="").values("year").order_by()
    reporting = reporting.annotate(
        total=Sum("reporting_value"), missing=Count("pk", filter=Q(reporting_value__isnull=True))
    )
    return ValueTable(
        currencies=currencies,
        rows=rows,
        reporting_currency=reporting_currency(),
        reporting_totals={
            row["year"]: Decimal(row["total"] or 0).quantize(CENT) for row in reporting
        },
        without_rate={row["year"]: row["missing"] for row in reporting if row["missing"]},
    )
