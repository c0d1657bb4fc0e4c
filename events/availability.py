"""The one place that counts held + sold slots against a package's capacity.

Readers (pages, API) call `availability_for`, which needs one query whatever the number of
packages. Writers that reduce availability (pledges) must lock the package row and re-check with
`taken_quantities` inside the same transaction; see `marketplace/pledges/services.py`.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.pledges.models import Pledge
from marketplace.pledges.states import SLOT_HOLDING_STATES


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
        """What a sponsor reads: "Exclusive", "2 of 4 left", "Sold out", "Closed"."""
        if self.status == Status.CLOSED:
            return _("Closed")
        if self.status == Status.SOLD_OUT:
            return _("Sold out")
        if self.capacity is None:
            return _("Available")
        if self.capacity == 1:
            return _("Exclusive")
        return _("%(left)s of %(capacity)s left") % {
            "left": self.available,
            "capacity": self.capacity,
        }


def taken_quantities(package_ids: Iterable[int]) -> dict[int, int]:
    """Units held or sold per package id, counted from the pledges that hold slots."""
    ids = list(package_ids)
    if not ids:
        return {}
    rows = (
        Pledge.objects.filter(package_id__in=ids, status__in=SLOT_HOLDING_STATES)
        .values("package_id")
        .annotate(taken=Sum("quantity"))
    )
    return {row["package_id"]: row["taken"] for row in rows}


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
