"""The sponsor wall of an event page: the logos of sponsors whose "logo on website" benefit is
delivered, grouped by package category in the catalogue's order.

One query whatever the number of sponsors (the event page's query count stays constant). The
logo shown is the one the sponsor supplied for that benefit, else the organisation's logo, else
the sponsor's name as text. A refunded pledge's logo comes off the wall.
"""

from dataclasses import dataclass

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
    """[(category label, [entries sorted by name])] for the event, categories in catalogue
    order; each sponsor once per category (its supplied logo preferred)."""
    tasks = (
        BenefitTask.objects.filter(
            event_id=event.pk,
            kind=BenefitKind.LOGO_WEBSITE,
            state=TaskState.DELIVERED,
            pledge__status__in=PAID_STATES,
        )
        .select_related("organisation")
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
    groups: dict[str, dict[int, WallEntry]] = {}
    for task in tasks:
        organisation = task.organisation
        entries = groups.setdefault(task.package_category, {})
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
    ordered = sorted(groups, key=lambda category: CATEGORY_ORDER.get(category, len(CATEGORY_ORDER)))
    return [
        (
            _category_label(category),
            sorted(groups[category].values(), key=lambda e: e.name.casefold()),
        )
        for category in ordered
    ]
