"""The waiting list of a sold-out package: join, leave, and offers when slots free up.

First come, first served: when slots free up, the first organisation in line whose quantity fits
gets a held pledge for 48 hours (never past the sponsorship deadline) and an email; if the first
in line wants more than is free, everyone behind it keeps waiting. Offers take the same package
lock as pledges, so an offer never oversells either.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import SponsorshipPackagePage
from marketplace.pledges import mail
from marketplace.pledges.availability import held_by, lock_package, taken_quantities
from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import WaitlistEntry, WaitlistStatus
from marketplace.pledges.moves import apply_move, cancel, lock_pledge
from marketplace.pledges.rules import deadline_end, pledging_closed
from marketplace.pledges.services import check_can_pledge, validate_request, write_pledge
from marketplace.pledges.states import PLEDGE_MACHINE, PledgeState
from sponsors.membership import onboarding_missing

OFFER_HOURS = 48


def join_waitlist(
    *, user, organisation, package_id, quantity, payment_method, accept_terms, terms_version=None
) -> WaitlistEntry:
    """Put the organisation in line for `quantity` units of a package that has fewer left. The
    request is checked like a pledge (onboarding, quantity, terms, deadline); an organisation is
    in line at most once per package. Raises `PledgeError` and writes nothing otherwise."""
    check_can_pledge(user, organisation)
    package, terms = validate_request(
        package_id=package_id,
        quantity=quantity,
        payment_method=payment_method,
        accept_terms=accept_terms,
        terms_version=terms_version,
    )
    if package.capacity is None or quantity <= package.capacity - taken_quantities(
        [package.pk]
    ).get(package.pk, 0):
        raise PledgeError(_("There are enough left: pledge instead."), field="quantity")
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                package=package,
                organisation=organisation,
                created_by=user,
                quantity=quantity,
                payment_method=payment_method,
                accepted_terms=terms,
            )
    except IntegrityError:
        raise PledgeError(_("Your organisation is already on the waiting list for this package."))
    return entry


def leave_waitlist(entry: WaitlistEntry, *, actor) -> WaitlistEntry:
    """Take the organisation out of line; an open offer is cancelled and its slots freed."""
    if entry.status == WaitlistStatus.OFFERED and entry.offer_id:
        cancel(entry.offer, actor=actor, reason=gettext_lazy("Offer declined."), by_sponsor=True)
        entry.refresh_from_db()
        return entry
    updated = WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.WAITING).update(
        status=WaitlistStatus.CANCELLED
    )
    if not updated:
        raise PledgeError(_("This entry is no longer waiting."))
    entry.refresh_from_db()
    return entry


def offer_freed_slots(package_id: int) -> list:
    """Offer what is free in the package to the organisations waiting for it, first in line
    first, each as a held pledge for 48 hours with an email. After the deadline the waiting
    entries expire instead. Safe to run at any time and any number of times."""
    with transaction.atomic():
        if not WaitlistEntry.objects.filter(
            package_id=package_id, status=WaitlistStatus.WAITING
        ).exists():
            return []
        locked = lock_package(package_id)
        package = (
            SponsorshipPackagePage.objects.filter(pk=package_id)
            .prefetch_related("benefits")
            .first()
        )
        waiting = list(
            WaitlistEntry.objects.select_for_update(of=("self",))
            .filter(package_id=package_id, status=WaitlistStatus.WAITING)
            .select_related("organisation", "created_by", "accepted_terms")
            .order_by("created_at", "pk")
        )
        event = package.event
        if not package.live or pledging_closed(event):
            WaitlistEntry.objects.filter(pk__in=[e.pk for e in waiting]).update(
                status=WaitlistStatus.EXPIRED
            )
            return []
        if locked["capacity"] is None:
            available = None
        else:
            available = locked["capacity"] - taken_quantities([package_id]).get(package_id, 0)
        offers = []
        now = timezone.now()
        for entry in waiting:
            if available is not None and entry.quantity > available:
                break
            if _cannot_take(entry, locked):
                entry.status = WaitlistStatus.CANCELLED
                entry.save(update_fields=["status"])
                continue
            pledge = write_pledge(
                package=package,
                event=event,
                organisation=entry.organisation,
                user=entry.created_by,
                quantity=entry.quantity,
                payment_method=entry.payment_method,
                terms=entry.accepted_terms,
                expires_at=min(now + datetime.timedelta(hours=OFFER_HOURS), deadline_end(event)),
            )
            PLEDGE_MACHINE.log(
                pledge, "", PledgeState.HELD, reason=gettext_lazy("Offered from the waiting list.")
            )
            entry.status = WaitlistStatus.OFFERED
            entry.offered_at = now
            entry.offer = pledge
            entry.save(update_fields=["status", "offered_at", "offer"])
            offers.append(pledge)
            if available is not None:
                available -= entry.quantity
    for pledge in offers:  # after the package lock is released
        mail.notify(pledge, "offered")
    return offers


def _cannot_take(entry: WaitlistEntry, locked: dict) -> bool:
    """An entry whose organisation may no longer pledge, or would exceed the maximum."""
    if entry.created_by is None or onboarding_missing(entry.created_by, entry.organisation):
        return True
    own = held_by(entry.organisation_id, entry.package_id)
    return own + entry.quantity > locked["max_per_sponsor"]


def offer_all_waiting() -> int:
    """Run `offer_freed_slots` for every package someone is waiting for (the beat task's
    catch-all for slots freed while no offer was made). Returns the number of offers."""
    package_ids = (
        WaitlistEntry.objects.filter(status=WaitlistStatus.WAITING)
        .values_list("package_id", flat=True)
        .distinct()
    )
    return sum(len(offer_freed_slots(package_id)) for package_id in list(package_ids))


def accept_offer(pledge, *, actor):
    """The sponsor takes up a waiting-list offer: the pledge goes on to awaiting_approval (if
    the package requires it, until the deadline) or awaiting_payment (keeping its expiry)."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        entry = WaitlistEntry.objects.filter(offer=locked, status=WaitlistStatus.OFFERED).first()
        if entry is None or locked.status != PledgeState.HELD:
            raise PledgeError(_("There is no open offer on this pledge."))
        if locked.package.requires_approval:
            apply_move(
                locked,
                PledgeState.AWAITING_APPROVAL,
                actor=actor,
                reason=gettext_lazy("Waiting-list offer accepted."),
                expires_at=deadline_end(locked.event),
            )
            mail.notify(locked, "needs_approval")
        else:
            apply_move(
                locked,
                PledgeState.AWAITING_PAYMENT,
                actor=actor,
                reason=gettext_lazy("Waiting-list offer accepted."),
            )
    return locked
