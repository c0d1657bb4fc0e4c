"""The search tool: find agreements (and so partners) by words and facets, with counts.

Facets combine with AND between them and OR within one (two regions: either). Each facet's
counts apply every other selected filter but not its own, so a person sees what choosing
another value would give.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from sponsors.register import fulltext
from sponsors.register.choices import (
    AgreementType,
    AreaOfAction,
    Contribution,
    PartnerCategory,
    Region,
)
from sponsors.register.models import Agreement, AgreementArea, AgreementRegion, with_lists
from sponsors.register.stats import MAX_YEAR, MIN_YEAR, signed_between

PER_PAGE = 20
VALUE_BUCKETS = [
    ("under_50k", _("Under 50,000"), Q(value__lt=Decimal(50_000))),
    ("50k_250k", _("50,000 – 250,000"), Q(value__gte=Decimal(50_000), value__lt=250_000)),
    ("250k_1m", _("250,000 – 1 million"), Q(value__gte=Decimal(250_000), value__lt=1_000_000)),
    ("over_1m", _("1 million and more"), Q(value__gte=Decimal(1_000_000))),
    ("no_value", _("No value stated"), Q(value__isnull=True)),
]
CHOICE_FACETS = {
    # facet: (query parameter, vocabulary, agreement field or None for a child table)
    "region": ("region", Region, None),
    "area": ("area", AreaOfAction, None),
    "type": ("type", AgreementType, "agreement_type"),
    "category": ("category", PartnerCategory, "partner_category"),
    "contribution": ("contribution", Contribution, "contribution"),
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

    @classmethod
    def from_query(cls, data) -> "SearchParams":
        """Read a QueryDict (or dict of lists); unknown codes and bad years are ignored."""

        def many(name, allowed):
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
            return [v for v in dict.fromkeys(values) if v in allowed]

        def year(name):
            raw = data.get(name) or ""
            raw = raw[-1] if isinstance(raw, list) else raw
            return int(raw) if str(raw).isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR else None

        q = data.get("q") or ""
        params = cls(
            q=fulltext.clean_text(q[-1] if isinstance(q, list) else q),
            value=many("value", {key for key, _, _ in VALUE_BUCKETS}),
            year_from=year("year_from"),
            year_to=year("year_to"),
        )
        for facet, (name, vocabulary, _field) in CHOICE_FACETS.items():
            setattr(params, facet, many(name, set(vocabulary.values)))
        return params

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


def filter_codes(queryset, facet: str, codes):
    """Agreements having any of the codes of a facet (region, area, type, category,
    contribution)."""
    _name, _vocabulary, field_name = CHOICE_FACETS[facet]
    if not codes:
        return queryset
    if field_name:
        return queryset.filter(**{f"{field_name}__in": list(codes)})
    model = AgreementRegion if facet == "region" else AgreementArea
    return queryset.filter(
        Exists(model.objects.filter(agreement=OuterRef("pk"), code__in=list(codes)))
    )


def filter_agreements(params: SearchParams, *, skip: str | None = None, queryset=None):
    """Agreements matching every selected filter except the facet `skip`."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    queryset = fulltext.match(queryset, params.q)
    for facet in CHOICE_FACETS:
        if facet != skip:
            queryset = filter_codes(queryset, facet, getattr(params, facet))
    if skip != "value" and params.value:
        condition = Q()
        for key, _label, bucket in VALUE_BUCKETS:
            if key in params.value:
                condition |= bucket
        queryset = queryset.filter(condition)
    if skip != "year" and (params.year_from or params.year_to):
        queryset = queryset.filter(signed_between(params.year_from, params.year_to))
    return queryset


def facet_counts(params: SearchParams) -> dict[str, list[FacetOption]]:
    facets = {}
    for facet, (_name, vocabulary, field_name) in CHOICE_FACETS.items():
        matching = filter_agreements(params, skip=facet)
        if field_name:
            rows = matching.order_by().values_list(field_name).annotate(n=Count("pk"))
        else:
            model = AgreementRegion if facet == "region" else AgreementArea
            rows = (
                model.objects.filter(agreement__in=matching.values("pk"))
                .order_by()
                .values_list("code")
                .annotate(n=Count("pk"))
            )
        counts = dict(rows)
        selected = set(getattr(params, facet))
        facets[facet] = [
            FacetOption(code, label, counts.get(code, 0), code in selected)
            for code, label in vocabulary.choices
        ]
    matching = filter_agreements(params, skip="value")
    buckets = matching.order_by().aggregate(
        **{key: Count("pk", filter=bucket) for key, _label, bucket in VALUE_BUCKETS}
    )
    facets["value"] = [
        FacetOption(key, label, buckets[key], key in params.value)
        for key, label, _bucket in VALUE_BUCKETS
    ]
    return facets


def year_counts(params: SearchParams) -> list[FacetOption]:
    rows = (
        filter_agreements(params, skip="year")
        .filter(signed_on__isnull=False)
        .annotate(year=ExtractYear("signed_on"))
        .order_by()
        .values_list("year")
        .annotate(n=Count("pk"))
    )
    return [FacetOption(str(year), str(year), n, False) for year, n in sorted(rows, reverse=True)]


def search(params: SearchParams, page_number=1, per_page=PER_PAGE) -> SearchResult:
    """One page of matching agreements (best match first, else most recent) with every
    facet's counts."""
    matching = fulltext.by_relevance(filter_agreements(params), params.q)
    page = Paginator(with_lists(matching), per_page).get_page(page_number)
    return SearchResult(page=page, facets=facet_counts(params), years=year_counts(params))
