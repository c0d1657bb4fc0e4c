"""A partner's profile: its agreements, what else the marketplace knows about it, totals by
currency, and partners like it.

Other parts of the product add sections without changing the register: the pledges and
payments code registers a provider with `register_profile_section`, a function that takes the
partner (whose `organisation` is the sponsor account, when linked) and returns a
`ProfileSection` or None.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from sponsors.register.choices import AreaOfAction, Region
from sponsors.register.models import Agreement, AgreementArea, AgreementRegion, Partner, with_lists


@dataclass
class ProfileLine:
    label: str
    date: object = None
    amount: Decimal | None = None
    currency: str = ""
    status: str = ""
    url: str = ""


@dataclass
class ProfileSection:
    key: str
    title: str
    lines: list[ProfileLine] = field(default_factory=list)
    empty_text: str = ""

    @property
    def totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            if line.amount is not None and line.currency:
                totals[line.currency] += line.amount
        return dict(sorted(totals.items()))


_providers: list[Callable[[Partner], ProfileSection | None]] = []


def register_profile_section(provider: Callable[[Partner], ProfileSection | None]):
    """Add a section to every partner profile (usable as a decorator; idempotent)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def extra_sections(partner: Partner) -> list[ProfileSection]:
    return [section for provider in _providers if (section := provider(partner)) is not None]


def partner_agreements(partner: Partner):
    return with_lists(Agreement.objects.filter(partner_links__partner=partner)).order_by(
        "-signed_on", "reference"
    )


def agreement_totals(partner: Partner) -> dict[str, Decimal]:
    """Sum of the stated values of the partner's agreements, per currency."""
    rows = (
        Agreement.objects.filter(partner_links__partner=partner, value__isnull=False)
        .exclude(currency="")
        .order_by()
        .values_list("currency")
        .annotate(total=Sum("value"))
    )
    return dict(sorted(rows))


@dataclass
class Suggestion:
    partner: Partner
    regions: list[str]
    areas: list[str]
    agreements: int

    @property
    def score(self) -> int:
        return len(self.regions) + len(self.areas)

    def labels(self) -> list[str]:
        return [Region(c).label for c in self.regions] + [AreaOfAction(c).label for c in self.areas]


def partners_like(*, regions=(), areas=(), exclude=(), limit=6) -> list[Suggestion]:
    """Partners with agreements in the same areas of action and beneficiary regions, those
    sharing the most first (then those with more agreements): whom to approach for an
    activity in those regions and areas."""
    shared: dict[int, dict[str, set]] = defaultdict(lambda: {"regions": set(), "areas": set()})
    for model, codes, key in (
        (AgreementRegion, regions, "regions"),
        (AgreementArea, areas, "areas"),
    ):
        if not codes:
            continue
        pairs = (
            model.objects.filter(code__in=list(codes), agreement__partner_links__isnull=False)
            .order_by()
            .values_list("agreement__partner_links__partner", "code")
            .distinct()
        )
        for partner_id, code in pairs:
            shared[partner_id][key].add(code)
    for partner_id in exclude:
        shared.pop(partner_id, None)
    if not shared:
        return []
    counts = dict(
        Partner.objects.filter(pk__in=list(shared))
        .annotate(n=Count("agreement_links"))
        .values_list("pk", "n")
    )
    ranked = sorted(
        shared,
        key=lambda pk: (-(len(shared[pk]["regions"]) + len(shared[pk]["areas"])), -counts[pk], pk),
    )[:limit]
    partners = Partner.objects.in_bulk(ranked)
    return [
        Suggestion(
            partner=partners[pk],
            regions=[c for c in Region.values if c in shared[pk]["regions"]],
            areas=[c for c in AreaOfAction.values if c in shared[pk]["areas"]],
            agreements=counts[pk],
        )
        for pk in ranked
    ]


def partner_codes(partner: Partner) -> tuple[list[str], list[str]]:
    """The regions and areas of all the partner's agreements."""
    regions = set(
        AgreementRegion.objects.filter(agreement__partner_links__partner=partner).values_list(
            "code", flat=True
        )
    )
    areas = set(
        AgreementArea.objects.filter(agreement__partner_links__partner=partner).values_list(
            "code", flat=True
        )
    )
    return (
        [c for c in Region.values if c in regions],
        [c for c in AreaOfAction.values if c in areas],
    )
