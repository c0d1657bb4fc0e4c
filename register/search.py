"""The search tool: find agreements (and so partners) by words and facets, with counts.

Facets combine with AND between them and OR within one (two regions: either). Each facet's
counts apply every other selected filter but not its own, so a person sees what choosing
another value would give. All counts come from one grouped scan of the narrow facet table
(`AgreementFacet`), and the page of results from its recency index, so a search costs a few
queries whatever the register's size.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from marketplace.finance.rates import reporting_currency
from register import facet_sql, fulltext
from register.choices import (
    AgreementType,
    AreaOfAction,
    Contribution,
    PartnerCategory,
    Region,
    codes,
)
from register.facets import AREA_BITS, REGION_BITS, mask_of
from register.models import AgreementFacet, PartnershipAgreement, with_lists
from register.stats import MAX_YEAR, MIN_YEAR

PER_PAGE = 20
VALUE_BUCKETS = [
    ("under_50k", _("Under 50,000"), Q(value__lt=Decimal(50_000))),
    ("50k_250k", _("50,000 – 250,000"), Q(value__gte=Decimal(50_000), value__lt=250_000)),
    ("250k_1m", _("250,000 – 1 million"), Q(value__gte=Decimal(250_000), value__lt=1_000_000)),
    ("over_1m", _("1 million and more"), Q(value__gte=Decimal(1_000_000))),
    ("no_value", _("No value stated"), Q(value__isnull=True)),
]
CHOICE_FACETS = {
    # facet: (query parameter, vocabulary)
    "region": ("region", Region),
    "area": ("area", AreaOfAction),
    "type": ("type", AgreementType),
    "category": ("category", PartnerCategory),
    "contribution": ("contribution", Contribution),
}
FACET_FIELDS = {"type": "agreement_type", "category": "partner_category"}
FACET_NAMES = {
    "region": _("region"),
    "area": _("area of action"),
    "type": _("agreement type"),
    "category": _("partner category"),
    "contribution": _("contribution"),
}


@dataclass
class SearchParams:
    q: str = ""
    region: list[str] = field(default_factory=list)
    area: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    contribution: list[str] = field(default_factory=list)
    value: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    # What the query asked for but cannot be used, one message per parameter value, e.g.
    # "year_from: 'abc' is not a year" (the page shows them; the API answers 400 with them).
    problems: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_query(cls, data) -> "SearchParams":
        """Read a QueryDict (or dict of lists). Unknown codes and bad years are left out of
        the search, and each is described in `problems`."""
        problems: dict[str, list[str]] = {}

        def problem(name, message):
            problems.setdefault(name, []).append(str(message))

        def many(name, allowed, what):
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
            kept = []
            for value in dict.fromkeys(values):
                if value in allowed:
                    kept.append(value)
                elif value != "":
                    problem(
                        name,
                        _("'%(value)s' is not a known %(what)s") % {"value": value, "what": what},
                    )
            return kept

        def year(name):
            raw = data.get(name) or ""
            raw = str(raw[-1] if isinstance(raw, list) else raw).strip()
            if not raw:
                return None
            if not raw.isdigit():
                problem(name, _("'%(value)s' is not a year") % {"value": raw})
            elif not MIN_YEAR <= int(raw) <= MAX_YEAR:
                problem(
                    name,
                    _("%(value)s is outside %(min)s–%(max)s")
                    % {"value": raw, "min": MIN_YEAR, "max": MAX_YEAR},
                )
            else:
                return int(raw)
            return None

        q = data.get("q") or ""
        params = cls(
            q=fulltext.clean_text(q[-1] if isinstance(q, list) else q),
            value=many("value", {key for key, _, _ in VALUE_BUCKETS}, _("value range")),
            year_from=year("year_from"),
            year_to=year("year_to"),
        )
        for facet, (name, vocabulary) in CHOICE_FACETS.items():
            setattr(params, facet, many(name, set(codes(vocabulary)), FACET_NAMES[facet]))
        params.problems = problems
        return params

    def problem_messages(self) -> list[str]:
        """ "name: message" for each problem, in the order of the parameters."""
        return [
            f"{name}: {message}" for name, messages in self.problems.items() for message in messages
        ]

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.year_from or self.year_to or self.value) and not any(
            getattr(self, facet) for facet in CHOICE_FACETS
        )


@dataclass
class FacetOption:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    page: object
    facets: dict[str, list[FacetOption]]
    years: list[FacetOption]
    # The matching agreements' values added up in the reporting currency (each at the rate of
    # its signature date), and how many stated values had no rate and are left out.
    reporting_total: Decimal = Decimal("0.00")
    reporting_currency: str = ""
    without_rate: int = 0


def option_condition(facet: str, code: str) -> Q:
    """Facet rows having this value of a facet."""
    if facet == "region":
        return Q(region_mask__hasany=REGION_BITS[code])
    if facet == "area":
        return Q(area_mask__hasany=AREA_BITS[code])
    if facet == "value":
        return next(bucket for key, _label, bucket in VALUE_BUCKETS if key == code)
    return Q(**{FACET_FIELDS.get(facet, facet): code})


def conditions(params: SearchParams) -> dict[str, Q]:
    """One condition on the facet table per facet with a selection (years included)."""
    selected = {}
    if params.region:
        selected["region"] = Q(region_mask__hasany=mask_of(params.region, REGION_BITS))
    if params.area:
        selected["area"] = Q(area_mask__hasany=mask_of(params.area, AREA_BITS))
    for facet in ("type", "category", "contribution"):
        if getattr(params, facet):
            selected[facet] = Q(**{f"{FACET_FIELDS.get(facet, facet)}__in": getattr(params, facet)})
    if params.value:
        condition = Q()
        for key in params.value:
            condition |= option_condition("value", key)
        selected["value"] = condition
    if params.year_from or params.year_to:
        years = Q(year__isnull=False)
        if params.year_from:
            years &= Q(year__gte=params.year_from)
        if params.year_to:
            years &= Q(year__lte=params.year_to)
        selected["year"] = years
    return selected


def matching_facets(params: SearchParams):
    """Facet rows of the agreements matching the words (all of them without words)."""
    queryset = AgreementFacet.objects.all()
    if params.q:
        queryset = queryset.filter(
            agreement__in=fulltext.match(PartnershipAgreement.objects.order_by(), params.q).values(
                "pk"
            )
        )
    return queryset


def _all(conditions_: dict[str, Q], skip=()) -> Q:
    combined = Q()
    for facet, condition in conditions_.items():
        if facet not in skip:
            combined &= condition
    return combined


def facet_counts(params: SearchParams):
    """(facets, years, total): every option's count (other facets' filters applied) from one
    grouped query (`facet_sql`); the year filter is applied to its per-year rows here."""
    matching_ids = None
    if params.q:
        matching_ids = (
            fulltext.match(PartnershipAgreement.objects.order_by(), params.q)
            .values("pk")
            .query.sql_with_params()
        )
    rows = facet_sql.count_rows(params, matching_ids)
    has_years = bool(params.year_from or params.year_to)

    def in_range(year):
        if not has_years:
            return True
        return (
            year is not None
            and (not params.year_from or year >= params.year_from)
            and (not params.year_to or year <= params.year_to)
        )

    kept = [row for row in rows if in_range(row["year"])]
    total = sum(row["n"] for row in kept)
    labels = {facet: dict(vocabulary.choices) for facet, (_n, vocabulary) in CHOICE_FACETS.items()}
    labels["value"] = {key: label for key, label, _bucket in VALUE_BUCKETS}
    facets: dict[str, list[FacetOption]] = {facet: [] for facet in [*CHOICE_FACETS, "value"]}
    for index, (facet, code) in enumerate(facet_sql.options()):
        count = sum(row[f"o{index}"] for row in kept)
        facets[facet].append(
            FacetOption(code, labels[facet][code], count, code in getattr(params, facet))
        )
    years = [
        FacetOption(str(row["year"]), str(row["year"]), row["n"], False)
        for row in sorted(rows, key=lambda r: r["year"] or 0, reverse=True)
        if row["year"] is not None and row["n"]
    ]
    return facets, years, total


def filter_codes(queryset, facet: str, values):
    """Agreements having any of the values of a facet (for the API)."""
    if not values:
        return queryset
    condition = Q()
    for value in values:
        condition |= option_condition(facet, value)
    return queryset.filter(pk__in=AgreementFacet.objects.filter(condition).values("agreement"))


def search(params: SearchParams, page_number=1, per_page=PER_PAGE) -> SearchResult:
    """One page of matching agreements (best match first with words on PostgreSQL, else most
    recent) with every facet's counts."""
    facets, years, total = facet_counts(params)
    matching = matching_facets(params).filter(_all(conditions(params)))
    if params.q and fulltext.on_postgresql():
        ordered = matching.annotate(rank=fulltext.rank_of("agreement__search_document", params.q))
        ordered = ordered.order_by("-rank", "-recency", "-agreement")
    else:
        ordered = matching.order_by("-recency", "-agreement")
    paginator = Paginator(ordered.values_list("agreement", flat=True), per_page)
    paginator.__dict__["count"] = total  # known from the counts: no second COUNT query
    page = paginator.get_page(page_number)
    ids = list(page.object_list)
    agreements = with_lists(PartnershipAgreement.objects.filter(pk__in=ids)).in_bulk()
    page.object_list = [agreements[pk] for pk in ids if pk in agreements]
    totals = matching.order_by().aggregate(
        total=Sum("reporting_value"),
        missing=Count(
            "pk",
            filter=Q(value__isnull=False, reporting_value__isnull=True, year__isnull=False)
            & ~Q(currency=""),
        ),
    )
    return SearchResult(
        page=page,
        facets=facets,
        years=years,
        reporting_total=(totals["total"] or Decimal("0")).quantize(Decimal("0.01")),
        reporting_currency=reporting_currency(),
        without_rate=totals["missing"],
    )
