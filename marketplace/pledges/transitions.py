"""Moves of a pledge through its states: approve, reject, cancel, extend, expire.

Each function is one transaction that locks the pledge row, checks the move against the state
machine (`states.py`), writes it with an audit entry (who, when, from, to, why) and emails the
sponsor after commit. Moves that free slots offer them to the waiting list after commit.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.agreements.scheduling import APPROVAL, schedule_agreement
from marketplace.pledges import mail
from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import (
    PaymentMethod,
    Pledge,
    PledgeEvent,
    WaitlistEntry,
    WaitlistStatus,
)
from marketplace.pledges.rules import deadline_end, hold_expiry
from marketplace.pledges.states import (
    EXPIRING_STATES,
    SLOT_HOLDING_STATES,
    PledgeState,
    check_move,
)
from sponsors.models import Membership

EXPIRY_BATCH = 500

_UNCHANGED = object()


def log_event(pledge, from_state, to_state, actor, reason=""):
    PledgeEvent.objects.create(
        pledge=pledge,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_state=from_state,
        to_state=to_state,
        reason=str(reason),
    )


def apply_move(pledge, to_state, *, actor=None, reason="", expires_at=_UNCHANGED) -> None:
    """Apply an allowed move to a locked pledge, log it, keep its waiting-list entry in step and
    offer freed slots to the waiting list after commit."""
    from_state = pledge.status
    check_move(from_state, to_state)
    pledge.status = to_state
    fields = ["status", "updated_at"]
    if expires_at is not _UNCHANGED:
        pledge.expires_at = expires_at
        fields.append("expires_at")
    pledge.save(update_fields=fields)
    log_event(pledge, from_state, to_state, actor, reason)
    _sync_waitlist_entry(pledge, to_state)
    if from_state in SLOT_HOLDING_STATES and to_state not in SLOT_HOLDING_STATES:
        from marketplace.pledges.waitlist import offer_freed_slots

        package_id = pledge.package_id
        transaction.on_commit(lambda: offer_freed_slots(package_id))


def _sync_waitlist_entry(pledge, to_state) -> None:
    entry_status = {
        PledgeState.AWAITING_APPROVAL: WaitlistStatus.ACCEPTED,
        PledgeState.AWAITING_PAYMENT: WaitlistStatus.ACCEPTED,
        PledgeState.PAID: WaitlistStatus.ACCEPTED,
        PledgeState.EXPIRED: WaitlistStatus.EXPIRED,
        PledgeState.CANCELLED: WaitlistStatus.CANCELLED,
        PledgeState.REJECTED: WaitlistStatus.CANCELLED,
    }.get(to_state)
    if entry_status:
        WaitlistEntry.objects.filter(offer=pledge, status=WaitlistStatus.OFFERED).update(
            status=entry_status
        )


def lock_pledge(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().select_related("event").get(pk=pledge.pk)


def transition(pledge: Pledge, to_state: str, *, actor=None, reason="") -> Pledge:
    """Move a pledge to `to_state` if the state machine allows it from its current state (read
    under a row lock), logging who, when and why. Raises `InvalidTransition` otherwise."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        apply_move(locked, to_state, actor=actor, reason=reason)
    return locked


def check_impartial(pledge: Pledge, actor) -> None:
    """Raise `PledgeError` when `actor` may not decide on `pledge` for staff: they made it, or
    they belong to the pledging organisation. Nobody decides on what they submitted."""
    if actor is None or not getattr(actor, "pk", None):
        return
    if pledge.created_by_id == actor.pk:
        raise PledgeError(
            _("You made pledge %(reference)s: another approver must decide on it.")
            % {"reference": pledge.reference}
        )
    if Membership.objects.filter(organisation_id=pledge.organisation_id, user=actor).exists():
        raise PledgeError(
            _(
                "You are a member of %(organisation)s, which made pledge %(reference)s: another "
                "approver must decide on it."
            )
            % {"organisation": pledge.organisation, "reference": pledge.reference}
        )


def approve(pledge: Pledge, *, actor, reason: str = "") -> Pledge:
    """Approve a pledge awaiting approval. Only for a cleared organisation; the sponsor then has
    the event's bank-transfer hold (bounded by the deadline) to pay, whatever the method, since
    they come back to pay after the email. The sponsor is emailed."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        check_impartial(locked, actor)
        if locked.status != PledgeState.AWAITING_APPROVAL:
            raise PledgeError(_("Only a pledge awaiting approval can be approved."))
        if not locked.organisation.is_cleared:
            raise PledgeError(
                _(
                    "%(organisation)s has not been cleared in due diligence: clear it before "
                    "approving its pledge."
                )
                % {"organisation": locked.organisation}
            )
        expires_at = hold_expiry(locked.event, PaymentMethod.BANK_TRANSFER)
        apply_move(
            locked,
            PledgeState.AWAITING_PAYMENT,
            actor=actor,
            reason=reason or _("Approved."),
            expires_at=expires_at,
        )
        schedule_agreement(locked, APPROVAL)  # if the event issues agreements on approval
        mail.notify(locked, "approved", reason)
    return locked


def reject(pledge: Pledge, *, actor, reason: str) -> Pledge:
    """Reject a pledge that is not paid yet, with a reason the sponsor receives by email; its
    slots are freed."""
    reason = (reason or "").strip()
    if not reason:
        raise PledgeError(_("Give a reason: the sponsor receives it."), field="reason")
    with transaction.atomic():
        locked = lock_pledge(pledge)
        check_impartial(locked, actor)
        apply_move(locked, PledgeState.REJECTED, actor=actor, reason=reason)
        mail.notify(locked, "rejected", reason)
    return locked


def cancel(pledge: Pledge, *, actor, reason: str = "", by_sponsor: bool = False) -> Pledge:
    """Cancel a pledge that is not paid yet and free its slots; the sponsor is emailed."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        if not by_sponsor:  # the organisers' cancellation is a decision like the others
            check_impartial(locked, actor)
        if locked.status not in EXPIRING_STATES:
            raise PledgeError(_("Only a pledge that is not paid yet can be cancelled."))
        default = (
            _("Cancelled by the sponsor.") if by_sponsor else _("Cancelled by the organisers.")
        )
        apply_move(locked, PledgeState.CANCELLED, actor=actor, reason=reason or default)
        mail.notify(locked, "cancelled", reason)
    return locked


def extend_hold(pledge: Pledge, *, actor, until: datetime.datetime, reason: str = "") -> Pledge:
    """Move the expiry of a pledge that is still held or awaiting to `until`, which must be in
    the future and not past the end of the sponsorship deadline day. Logged and emailed."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        check_impartial(locked, actor)
        if locked.status not in EXPIRING_STATES:
            raise PledgeError(_("Only a pledge that is not paid yet has a hold to extend."))
        if until <= timezone.now():
            raise PledgeError(_("Choose a time in the future."), field="until")
        if until > deadline_end(locked.event):
            raise PledgeError(
                _("A hold cannot run past the sponsorship deadline (%(date)s).")
                % {"date": locked.event.sponsorship_deadline.isoformat()},
                field="until",
            )
        locked.expires_at = until
        locked.save(update_fields=["expires_at", "updated_at"])
        note = _("Hold extended until %(until)s.") % {"until": until.isoformat(timespec="minutes")}
        log_event(locked, locked.status, locked.status, actor, f"{note} {reason}".strip())
        mail.notify(locked, "extended", reason)
    return locked


def expire_overdue(now=None) -> int:
    """Expire every pledge whose hold has run out, freeing its slots and emailing the sponsor.
    Idempotent: a pledge already expired (or moved on) is left alone, so a second run at the
    same time expires nothing. Returns how many pledges it expired."""
    now = now or timezone.now()
    due = list(
        Pledge.objects.filter(status__in=EXPIRING_STATES, expires_at__lte=now)
        .order_by("expires_at", "pk")
        .values_list("pk", flat=True)[:EXPIRY_BATCH]
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            pledge = (
                Pledge.objects.select_for_update()
                .filter(pk=pk, status__in=EXPIRING_STATES, expires_at__lte=now)
                .first()
            )
            if pledge is None:
                continue
            apply_move(pledge, PledgeState.EXPIRED, reason=_("The hold expired."))
            mail.notify(pledge, "expired")
            expired += 1
    return expired
