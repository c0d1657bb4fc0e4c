"""Targets against actuals, computed from the register, the marketplace and the pipeline.

What counts, in a year, for a scope (the bureau, a business owner, an area, a region):

* **Value mobilised** — register agreements signed that year (drafts excluded, addenda
  included: they add value), by contribution (cash, in kind) and currency; plus marketplace
  pledges paid that year that are not in the register yet (an executed sponsorship agreement
  enters the register with the pledge's value, so counting both would count it twice). A
  pledge is cash. An agreement in several areas or regions counts in full in each.
* **New agreements** — register agreements signed that year, addenda not counted (as in the
  register's charts).
* **New partners** — register partners whose first signed agreement falls in that year (and,
  for a scope, one of that year's agreements is in the scope).
* **Sponsorship revenue** — marketplace pledges paid that year, per event and currency
  (pledged totals: refunds are finance's, see the reconciliation work).
* **Won in the pipeline** — opportunities won that year, with their expected value; their money
  is counted through the agreement or pledge they link, never a second time.

Attribution to a business owner: the agreement's business owner, or the owner of the won
opportunity that links the agreement or the pledge (pledges have no owner of their own).
Money is never converted: no exchange rates are recorded yet, so each currency has its own
figures (the reconciliation issue adds the reporting currency).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from marketplace.pledges.models import Pledge, PledgeChange
from marketplace.pledges.states import PAID_STATES
from register.choices import AgreementType, Contribution, PartnerCategory, Status
from register.models import AgreementFacet, PartnerFacet, PartnershipAgreement
from register.pipeline.codes import AREA_BITS, REGION_BITS
from register.pipeline.models import CoFinancing, Metric, Opportunity, Target, TargetScope
from register.pipeline.services import BoardFilters, weighted_pipeline
from register.pipeline.stages import Stage

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Scope:
    """Whose figures: the bureau (all empty), or one business owner, area or region."""

    owner: object = None
    area: str = ""
    region: str = ""

    @classmethod
    def of_target(cls, target: Target) -> "Scope":
        if target.scope == TargetScope.OWNER:
            return cls(owner=target.business_owner)
        if target.scope == TargetScope.AREA:
            return cls(area=target.area)
        if target.scope == TargetScope.REGION:
            return cls(region=target.region)
        return cls()


def signed_agreements(year: int, scope: Scope = Scope()):
    """Register agreements signed in `year` (drafts excluded) within the scope."""
    agreements = PartnershipAgreement.objects.filter(signed_on__year=year).exclude(
        status=Status.DRAFT
    )
    if scope.owner is not None:
        agreements = agreements.filter(
            Q(business_owner=scope.owner) | Q(opportunity__business_owner=scope.owner)
        )
    if scope.area:
        agreements = agreements.filter(area_links__code=scope.area)
    if scope.region:
        agreements = agreements.filter(region_links__code=scope.region)
    return agreements


def signed_facets(year: int, scope: Scope = Scope()):
    """The `AgreementFacet` rows of `signed_agreements(year, scope)`: the same agreements, read
    from the register's narrow derived table (kept in step by every register write), so the
    KPIs add up a few thousand small rows instead of visiting the wide agreements table."""
    rows = AgreementFacet.objects.filter(year=year).exclude(status=Status.DRAFT)
    if scope.owner is not None:
        linked = Opportunity.objects.filter(business_owner=scope.owner, agreement__isnull=False)
        rows = rows.filter(
            Q(business_owner=scope.owner) | Q(agreement_id__in=linked.values("agreement_id"))
        )
    if scope.area:
        rows = rows.filter(area_mask__hasany=AREA_BITS[scope.area])
    if scope.region:
        rows = rows.filter(region_mask__hasany=REGION_BITS[scope.region])
    return rows


def paid_pledges(year: int, scope: Scope = Scope(), *, outside_register=False):
    """Marketplace pledges paid in `year` (and not refunded in full) within the scope. With
    `outside_register`, only those whose executed agreement is not in the register yet."""

    paid_that_year = PledgeChange.objects.filter(
        pledge=OuterRef("pk"), to_state="paid", at__year=year
    )
    pledges = Pledge.objects.filter(Exists(paid_that_year), status__in=PAID_STATES)
    if outside_register:
        # The marketplace's agreements app links its executed agreement to the register entry.
        pledges = pledges.exclude(agreements__register_entry__isnull=False)
    if scope.owner is not None:
        pledges = pledges.filter(opportunity__business_owner=scope.owner, opportunity__stage="won")
    if scope.area:
        pledges = pledges.filter(opportunity__area_mask__hasany=AREA_BITS[scope.area])
    if scope.region:
        pledges = pledges.filter(
            Q(event__region=scope.region)
            | Q(opportunity__region_mask__hasany=REGION_BITS[scope.region])
        )
    return pledges


def _per_currency(rows) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for currency, total in rows:
        if currency and total is not None:
            totals[currency] += total
    return dict(sorted(totals.items()))


@dataclass(frozen=True)
class AgreementFigures:
    """One group of the year's agreements in a scope: what every register measure adds up."""

    contribution: str
    currency: str
    agreement_type: str
    partner_category: str
    count: int
    value: Decimal | None
    bureau: Decimal | None


def agreement_figures(year: int, scope: Scope = Scope()) -> list[AgreementFigures]:
    """The year's agreements in the scope grouped by contribution, currency, type and partner
    category, with their count, stated value and the bureau's co-financing: one query that
    value mobilised, new agreements, co-financing and partner categories all read."""
    # Unordered: CoFinancing's default ordering would join the agreements into every lookup.
    bureau = CoFinancing.objects.filter(agreement_id=OuterRef("agreement_id")).order_by()
    rows = (
        signed_facets(year, scope)
        .order_by()
        .values_list("contribution", "currency", "agreement_type", "partner_category")
        .annotate(
            n=Count("pk"),
            total=Sum("value"),
            bureau=Sum(Subquery(bureau.values("bureau_contribution")[:1])),
        )
    )
    return [AgreementFigures(*row) for row in rows]


def value_mobilised(year: int, scope: Scope = Scope(), *, figures=None) -> dict[str, dict]:
    """{"cash": {currency: value}, "in_kind": {...}} for the year and scope."""
    figures = agreement_figures(year, scope) if figures is None else figures
    result = {
        Contribution.CASH: defaultdict(lambda: ZERO),
        Contribution.IN_KIND: defaultdict(lambda: ZERO),
    }
    for row in figures:
        if row.contribution in result and row.currency and row.value is not None:
            result[row.contribution][row.currency] += row.value
    pledges = (
        paid_pledges(year, scope, outside_register=True)
        .order_by()
        .values_list("currency")
        .annotate(total=Sum("total"))
    )
    for currency, total in pledges:
        result[Contribution.CASH][currency] += total
    return {str(key): dict(sorted(values.items())) for key, values in result.items()}


def new_agreements(year: int, scope: Scope = Scope(), *, figures=None) -> int:
    figures = agreement_figures(year, scope) if figures is None else figures
    return sum(row.count for row in figures if row.agreement_type != AgreementType.ADDENDUM)


def new_partners(year: int, scope: Scope = Scope()) -> int:
    """Partners whose first signed agreement is in `year` and, for a scope, who have one of
    that year's agreements in the scope: partners of the year's agreements with no signed
    agreement before the year. Read from the narrow `PartnerFacet` rows (which carry the
    agreement's year, status and masks): the year's rows by their (year, partner) index, then
    an anti-join on the (partner, year) index."""
    earlier = PartnerFacet.objects.filter(partner=OuterRef("partner"), year__lt=year).exclude(
        status=Status.DRAFT
    )
    rows = PartnerFacet.objects.filter(year=year).exclude(status=Status.DRAFT)
    if scope.owner is not None:
        rows = rows.filter(agreement_id__in=signed_facets(year, scope).values("pk"))
    if scope.area:
        rows = rows.filter(area_mask__hasany=AREA_BITS[scope.area])
    if scope.region:
        rows = rows.filter(region_mask__hasany=REGION_BITS[scope.region])
    return rows.filter(~Exists(earlier)).values("partner").distinct().count()


def sponsorship_revenue(year: int, scope: Scope = Scope(), event=None) -> dict[str, Decimal]:
    """Paid pledges' totals per currency (of one event, when given)."""
    pledges = paid_pledges(year, scope)
    if event is not None:
        pledges = pledges.filter(event=event)
    return _per_currency(pledges.order_by().values_list("currency").annotate(t=Sum("total")))


def sponsorship_by_event(year: int, scope: Scope = Scope()) -> list[tuple[str, str, Decimal]]:
    rows = (
        paid_pledges(year, scope)
        .order_by()
        .values_list("event__title", "currency")
        .annotate(total=Sum("total"))
        .order_by("event__title", "currency")
    )
    return [(title, currency, total) for title, currency, total in rows]


def won_opportunities(year: int, scope: Scope = Scope()) -> tuple[int, dict[str, Decimal]]:
    won = Opportunity.objects.filter(stage=Stage.WON, closed_on__year=year)
    if scope.owner is not None:
        won = won.filter(business_owner=scope.owner)
    if scope.area:
        won = won.filter(area_mask__hasany=AREA_BITS[scope.area])
    if scope.region:
        won = won.filter(region_mask__hasany=REGION_BITS[scope.region])
    totals = _per_currency(
        won.filter(expected_value__isnull=False)
        .order_by()
        .values_list("currency")
        .annotate(t=Sum("expected_value"))
    )
    return won.count(), totals


@dataclass
class CoFinancingLine:
    currency: str
    partner: Decimal
    bureau: Decimal

    @property
    def total(self) -> Decimal:
        return self.partner + self.bureau

    @property
    def bureau_share(self) -> Decimal | None:
        if not self.total:
            return None
        return (self.bureau * 100 / self.total).quantize(Decimal("0.1"))


def co_financing(year: int, scope: Scope = Scope(), *, figures=None) -> list[CoFinancingLine]:
    """Per currency: what partners brought (agreements' values) and what the bureau put in
    (its recorded contribution), for agreements signed in the year."""
    figures = agreement_figures(year, scope) if figures is None else figures
    partner: dict[str, Decimal] = defaultdict(lambda: ZERO)
    bureau: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in figures:
        if not row.currency:
            continue
        if row.value is not None:
            partner[row.currency] += row.value
        if row.bureau is not None:
            bureau[row.currency] += row.bureau
    return [
        CoFinancingLine(currency, partner.get(currency, ZERO), bureau.get(currency, ZERO))
        for currency in sorted(set(partner) | set(bureau))
    ]


@dataclass
class CategoryLine:
    category: str
    label: str
    agreements: int
    values: dict[str, Decimal]


def by_partner_category(year: int, scope: Scope = Scope(), *, figures=None) -> list[CategoryLine]:
    """Agreements signed in the year and their value per currency, by partner category.
    Addenda add value but are not counted as agreements (as in the register's charts)."""
    figures = agreement_figures(year, scope) if figures is None else figures
    order = list(PartnerCategory.values)
    labels = dict(PartnerCategory.choices)
    lines: dict[str, CategoryLine] = {}
    for row in figures:
        category = row.partner_category
        line = lines.get(category)
        if line is None:
            line = lines[category] = CategoryLine(
                category, str(labels.get(category, category)), 0, {}
            )
        if row.agreement_type != AgreementType.ADDENDUM:
            line.agreements += row.count
        if row.currency and row.value is not None:
            line.values[row.currency] = line.values.get(row.currency, ZERO) + row.value
    return sorted(
        lines.values(),
        key=lambda line: order.index(line.category) if line.category in order else 99,
    )


@dataclass
class KpiLine:
    scope_label: str
    metric: str
    metric_label: str
    currency: str = ""
    event: str = ""
    target: Decimal | None = None
    actual: Decimal = ZERO

    @property
    def achieved(self) -> Decimal | None:
        """Actual as a percentage of the target (None without a target, or a zero one)."""
        if not self.target:
            return None
        return (Decimal(self.actual) * 100 / self.target).quantize(Decimal("0.1"))


def _direct(function, *args, **kwargs):
    return function(*args, **kwargs)


def actual_for(target: Target, compute=_direct) -> Decimal:
    """The actual figure a target is measured against (`compute` may memoise the queries)."""
    scope = Scope.of_target(target)
    if target.metric in (Metric.CASH, Metric.IN_KIND):
        figures = compute(agreement_figures, target.year, scope)
        values = compute(value_mobilised, target.year, scope, figures=tuple(figures))
        return values[target.metric].get(target.currency, ZERO)
    if target.metric == Metric.NEW_AGREEMENTS:
        figures = compute(agreement_figures, target.year, scope)
        return Decimal(new_agreements(target.year, scope, figures=figures))
    if target.metric == Metric.NEW_PARTNERS:
        return Decimal(compute(new_partners, target.year, scope))
    revenue = compute(sponsorship_revenue, target.year, scope, event=target.event)
    return revenue.get(target.currency, ZERO)


class _Memo:
    """Each (measure, year, scope) computed once per report: several targets share them."""

    def __init__(self):
        self.results = {}

    def __call__(self, function, *args, **kwargs):
        key = (function.__name__, args, tuple(sorted(kwargs.items())))
        if key not in self.results:
            self.results[key] = function(*args, **kwargs)
        return self.results[key]


@dataclass
class KpiReport:
    year: int
    owner: object
    lines: list[KpiLine] = field(default_factory=list)
    co_financing: list[CoFinancingLine] = field(default_factory=list)
    categories: list[CategoryLine] = field(default_factory=list)
    sponsorship_events: list = field(default_factory=list)
    won_count: int = 0
    won_values: dict = field(default_factory=dict)
    pipeline: dict = field(default_factory=dict)


def kpi_report(year: int, owner=None) -> KpiReport:
    """Everything the KPI page shows for a year: the bureau's (owner None: bureau, area and
    region targets) or one business owner's (their targets), each target beside its actual,
    plus the scope's actuals that have no target, the co-financing split, value by partner
    category, sponsorship revenue per event, won opportunities and the open pipeline."""
    scope = Scope(owner=owner)
    targets = Target.objects.filter(year=year).select_related("business_owner", "event")
    if owner is None:
        targets = targets.exclude(scope=TargetScope.OWNER)
    else:
        targets = targets.filter(scope=TargetScope.OWNER, business_owner=owner)
    report = KpiReport(year=year, owner=owner)
    compute = _Memo()
    own_label = (
        (owner.get_full_name() or owner.email)
        if owner is not None
        else str(TargetScope.BUREAU.label)
    )
    covered = set()
    for target in targets:
        report.lines.append(
            KpiLine(
                target.scope_label,
                target.metric,
                target.get_metric_display(),
                target.currency,
                target.event.title if target.event_id else "",
                target.amount if target.is_money else target.amount.quantize(Decimal(1)),
                actual_for(target, compute),
            )
        )
        if Scope.of_target(target) == scope and not target.event_id:
            covered.add((target.metric, target.currency))
    # The scope's own actuals without a target, so a year with no targets still shows them.
    labels = dict(Metric.choices)
    figures = compute(agreement_figures, year, scope)
    values = compute(value_mobilised, year, scope, figures=tuple(figures))
    for metric in (Metric.CASH, Metric.IN_KIND):
        for currency, actual in values[metric].items():
            if (metric, currency) not in covered:
                report.lines.append(
                    KpiLine(own_label, metric, str(labels[metric]), currency, actual=actual)
                )
    for metric, actual in (
        (Metric.NEW_AGREEMENTS, new_agreements(year, scope, figures=figures)),
        (Metric.NEW_PARTNERS, compute(new_partners, year, scope)),
    ):
        if (metric, "") not in covered:
            report.lines.append(
                KpiLine(own_label, metric, str(labels[metric]), actual=Decimal(actual))
            )
    for currency, actual in compute(sponsorship_revenue, year, scope, event=None).items():
        if (Metric.SPONSORSHIP, currency) not in covered:
            report.lines.append(
                KpiLine(
                    own_label,
                    Metric.SPONSORSHIP,
                    str(labels[Metric.SPONSORSHIP]),
                    currency,
                    actual=actual,
                )
            )
    metric_order = list(Metric.values)
    report.lines.sort(
        key=lambda line: (
            line.scope_label != own_label,
            line.scope_label,
            metric_order.index(line.metric),
            line.currency,
            line.event,
        )
    )
    report.co_financing = co_financing(year, scope, figures=figures)
    report.categories = by_partner_category(year, scope, figures=figures)
    report.sponsorship_events = sponsorship_by_event(year, scope)
    report.won_count, report.won_values = won_opportunities(year, scope)
    report.pipeline = weighted_pipeline(BoardFilters(owner=owner))
    return report
