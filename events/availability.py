"""What the catalogue shows of a package's slots: available, sold out or closed.

Readers (pages, API) call `availability_for`, which needs one query whatever the number of
packages. The slots taken are counted by the pledge app (`marketplace/pledges/availability.py`),
which fills in the counter with `set_counter` in its `AppConfig.ready`: events is below pledges
and only reads the count. Writers that reduce availability (pledges) lock the package row and
re-check inside the same transaction, in the pledge app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

# The declared hook: package ids -> {package id: units held or sold}. Filled by the pledge app.
_counter: Callable[[Iterable[int]], dict[int, int]] | None = None


def set_counter(counter: Callable[[Iterable[int]], dict[int, int]]) -> None:
    """Register the function that counts the slots taken per package (the pledge app's)."""
    global _counter
    _counter = counter


class Status:
    AVAILABLE = "available"
    SOLD_OUT = "sold_out"
    CLOSED = "closed"


@dataclass(frozen=True)
class Availability:
    capacity: int | None  # None: unlimited
    taken: int
    closed: bool

    @property
    def available(self) -> int | None:
        """Slots left, or None when unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.taken, 0)

    @property
    def status(self) -> str:
        if self.closed:
            return Status.CLOSED
        if self.available == 0:
            return Status.SOLD_OUT
        return Status.AVAILABLE

    @property
    def can_pledge(self) -> bool:
        return self.status == Status.AVAILABLE

    @property
    def label(self) -> str:
        """What a sponsor reads: "Available", "2 of 4 left", "Sold out", "Closed". Being
        exclusive (capacity 1) is a property of the package, shown beside it, not a status."""
        if self.status == Status.CLOSED:
            return _("Closed")
        if self.status == Status.SOLD_OUT:
            return _("Sold out")
        if self.capacity is None or self.capacity == 1:
            return _("Available")
        return _("%(left)s of %(capacity)s left") % {
            "left": self.available,
            "capacity": self.capacity,
        }


def taken_quantities(package_ids: Iterable[int]) -> dict[int, int]:
    """Units held or sold per package id, as the pledge app counts them."""
    if _counter is None:
        raise RuntimeError("No slot counter registered: is marketplace.pledges installed?")
    return _counter(package_ids)


def availability_for(packages) -> dict[int, Availability]:
    """Availability of each package (keyed by id), in one query. Each package must have its
    `event` loaded or loadable (the deadline closes pledging)."""
    packages = list(packages)
    taken = taken_quantities(p.pk for p in packages)
    today = timezone.localdate()
    return {
        p.pk: Availability(
            capacity=p.capacity,
            taken=taken.get(p.pk, 0),
            closed=today > p.event.sponsorship_deadline,
        )
        for p in packages
    }
