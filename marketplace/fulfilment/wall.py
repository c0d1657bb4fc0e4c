"""The sponsor wall of an event page: the logos of sponsors whose "logo on website" benefit is
delivered, ordered by the packages' tier rank (1 first), with the package categories as
optional headings (the event's "category headings on the sponsor wall").

One query whatever the number of sponsors (the event page's query count stays constant). The
logo shown is the one the sponsor supplied for that benefit, else the organisation's logo, else
the sponsor's name as text. A refunded pledge's logo comes off the wall.
"""

from dataclasses import dataclass

from django.db.models import F

from events.choices import CATEGORY_ORDER, BenefitKind, PackageCategory
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.states import TaskState
from marketplace.pledges.states import PAID_STATES


@dataclass
class WallEntry:
    name: str
    logo_url: str
    website: str


def _category_label(category: str) -> str:
    try:
        return str(PackageCategory(category).label)
    except ValueError:
        return category


def sponsor_wall(event) -> list[tuple[str, list[WallEntry]]]:
    """[(heading, [entries sorted by name])] for the event, ordered by the packages' tier rank
    (1 first), then by category in catalogue order within a rank; each sponsor once per
    group (its supplied logo preferred). With the event's category headings off, each rank is
    one group and its heading is empty."""
    tasks = (
        BenefitTask.objects.filter(
            event_id=event.pk,
            kind=BenefitKind.LOGO_WEBSITE,
            state=TaskState.DELIVERED,
            pledge__status__in=PAID_STATES,
        )
        .select_related("organisation")
        .annotate(tier_rank=F("pledge__package__tier_rank"))
        .only(
            "package_category",
            "asset_logo",
            "delivered_at",
            "organisation__display_name",
            "organisation__logo",
            "organisation__website",
        )
        .order_by("-delivered_at", "-pk")  # the newest supplied logo wins
    )
    headings = getattr(event, "sponsor_wall_headings", True)
    groups: dict[tuple, dict[int, WallEntry]] = {}
    for task in tasks:
        organisation = task.organisation
        category = task.package_category if headings else ""
        entries = groups.setdefault((task.tier_rank or 0, category), {})
        entry = entries.get(organisation.pk)
        if entry is None:
            logo = task.asset_logo or organisation.logo
            entries[organisation.pk] = WallEntry(
                name=organisation.display_name,
                logo_url=logo.url if logo else "",
                website=organisation.website or "",
            )
        elif not entry.logo_url and task.asset_logo:
            entry.logo_url = task.asset_logo.url
    ordered = sorted(
        groups, key=lambda key: (key[0], CATEGORY_ORDER.get(key[1], len(CATEGORY_ORDER)))
    )
    return [
        (
            _category_label(key[1]) if key[1] else "",
            sorted(groups[key].values(), key=lambda e: e.name.casefold()),
        )
        for key in ordered
    ]
