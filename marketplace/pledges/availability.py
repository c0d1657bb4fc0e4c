"""Slots: how much of a package the pledges take, the package lock, and what an organisation
may still pledge.

Availability is counted, never stored: `taken_quantities` sums the pledges that hold slots.
The catalogue (`events/availability.py`) reads it through the counter this app registers in
`PledgesConfig.ready`, so events never imports pledges. Whatever reduces availability (a new
pledge, a waiting-list offer, a late payment taking its slots again) locks the package row with
`lock_package`, re-checks with `check_slots` inside the same transaction, then writes, so held
+ sold never exceeds capacity under any concurrency.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from events.models import SponsorshipPackagePage
from marketplace.pledges.errors import NotEnoughLeft, PledgeError
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import SLOT_HOLDING_STATES


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


def lock_package(package_id: int) -> dict:
    """Lock the package's own row (not Wagtail's page row) until the transaction ends and return
    its current capacity and maximum per sponsor. Serialises everyone taking its slots."""
    rows = SponsorshipPackagePage.objects.filter(pk=package_id).select_for_update(of=("self",))
    return rows.values("capacity", "max_per_sponsor").get()


def held_by(organisation_id: int, package_id: int) -> int:
    """Units of the package the organisation already holds or bought."""
    return (
        Pledge.objects.filter(
            organisation_id=organisation_id, package_id=package_id, status__in=SLOT_HOLDING_STATES
        ).aggregate(total=Sum("quantity"))["total"]
        or 0
    )


@dataclass(frozen=True)
class Allowance:
    own: int  # units the organisation already holds or bought
    left: int  # units it may still pledge


def allowance_of(organisation_id: int, package, *, available: int | None = None) -> Allowance:
    """What the organisation may still pledge of `package`: its maximum per sponsor less what
    it holds, and no more than `available` (the package's free slots; None: unlimited, or not
    counted, as for the waiting list). The one place this rule is computed."""
    own = held_by(organisation_id, package.pk)
    left = max(package.max_per_sponsor - own, 0)
    if available is not None:
        left = min(left, available)
    return Allowance(own=own, left=left)


def check_slots(locked: dict, package_id: int, organisation_id: int, quantity: int) -> None:
    """Under the package lock: refuse more than the maximum per sponsor or than what is left.
    One query counts both what the organisation holds and what everyone holds."""
    counts = Pledge.objects.filter(package_id=package_id, status__in=SLOT_HOLDING_STATES).aggregate(
        taken=Sum("quantity"),
        own=Sum("quantity", filter=Q(organisation_id=organisation_id)),
    )
    own = counts["own"] or 0
    if own + quantity > locked["max_per_sponsor"]:
        raise PledgeError(
            _(
                "You can pledge at most %(max)s of this package and your organisation already "
                "holds %(own)s."
            )
            % {"max": locked["max_per_sponsor"], "own": own},
            field="quantity",
        )
    if locked["capacity"] is None:
        return
    available = max(locked["capacity"] - (counts["taken"] or 0), 0)
    if quantity > available:
        if available == 0:
            message = _("Sold out: none of this package is left.")
        else:
            message = _("Not enough left: only %(available)s of this package remain.") % {
                "available": available
            }
        raise NotEnoughLeft(message, available)
