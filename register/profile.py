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

from django.db.models import Sum

from register.choices import AreaOfAction, Region
from register.models import (
    AgreementArea,
    AgreementRegion,
    Partner,
    PartnershipAgreement,
    with_lists,
)
from register.suggestions import Suggestion, rank_partners

__all__ = ["Suggestion", "partners_like"]


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
    return with_lists(PartnershipAgreement.objects.filter(partner_links__partner=partner)).order_by(
        "-signed_on", "reference"
    )


def agreement_totals(partner: Partner) -> dict[str, Decimal]:
    """Sum of the stated values of the partner's agreements, per currency."""
    rows = (
        PartnershipAgreement.objects.filter(partner_links__partner=partner, value__isnull=False)
        .exclude(currency="")
        .order_by()
        .values_list("currency")
        .annotate(total=Sum("value"))
    )
    return dict(sorted(rows))


def partners_like(*, regions=(), areas=(), exclude=(), limit=6) -> list[Suggestion]:
    """Partners to approach for an activity in these beneficiary regions and areas of action:
    those with an agreement covering a region and an area together first, then those matching
    either, weighed by recency, status and value (`suggestions.rank_partners`). Each
    suggestion has `partner` and a `reason` sentence."""
    return rank_partners(regions=regions, areas=areas, exclude=exclude, limit=limit)


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
