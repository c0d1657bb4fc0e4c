"""What the events list and the search results say about packages: each event's price range
and how many of its packages can still be pledged; a package's event, price and availability.
A fixed number of queries whatever the number of events or packages."""

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db.models import Q

from events.availability import availability_for


def _models():
    """The page models, looked up by name: `events.models` imports this module (the events
    list uses `offers_for`), so importing it here would be a cycle."""
    return apps.get_model("events", "EventPage"), apps.get_model("events", "SponsorshipPackagePage")


@dataclass(frozen=True)
class EventOffer:
    currency: str
    lowest: Decimal | None
    highest: Decimal | None
    packages: int
    left: int  # packages that can still be pledged

    @property
    def single_price(self) -> bool:
        return self.lowest == self.highest


def offers_for(events) -> dict[int, EventOffer]:
    """Each event's live packages summed up (an event without packages maps to none)."""
    events = list(events)
    if not events:
        return {}
    _event_model, SponsorshipPackagePage = _models()
    by_path = {event.path: event for event in events}
    condition = Q()
    for event in events:
        condition |= Q(path__startswith=event.path, depth=event.depth + 1)
    packages = list(
        SponsorshipPackagePage.objects.live().public().filter(condition).order_by("path")
    )
    for package in packages:
        package.event = by_path[package.path[: -SponsorshipPackagePage.steplen]]
    availability = availability_for(packages)
    grouped: dict[int, list] = {}
    for package in packages:
        grouped.setdefault(package.event.pk, []).append(package)
    offers = {}
    for event in events:
        mine = grouped.get(event.pk, [])
        prices = [package.price for package in mine]
        offers[event.pk] = EventOffer(
            currency=event.currency,
            lowest=min(prices) if prices else None,
            highest=max(prices) if prices else None,
            packages=len(mine),
            left=sum(1 for package in mine if availability[package.pk].can_pledge),
        )
    return offers


def describe_packages(pages) -> None:
    """Give each package among `pages` its `event` and `availability` (for result cards)."""
    EventPage, SponsorshipPackagePage = _models()
    packages = [page for page in pages if isinstance(page, SponsorshipPackagePage)]
    if not packages:
        return
    parents = {page.path[: -SponsorshipPackagePage.steplen] for page in packages}
    events = {event.path: event for event in EventPage.objects.filter(path__in=parents)}
    for package in packages:
        package.event = events.get(package.path[: -SponsorshipPackagePage.steplen])
    availability = availability_for(packages)
    for package in packages:
        package.availability = availability[package.pk]
