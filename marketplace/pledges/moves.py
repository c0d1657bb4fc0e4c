"""Moves of a pledge through its states, and the pledge lock: the one module that moves a
pledge. Other apps (payments) call the public moves here; they never set a state themselves.

Staff decisions (approve, reject, cancel, extend, expire) are each one transaction that locks
the pledge row, checks the move against the state machine (`states.PLEDGE_MACHINE`), writes it
with an audit entry (who, when, from, to, why) and queues the sponsor's email (sent after
commit). Money moves (`mark_awaiting_payment`, `mark_paid`, `mark_refunded`,
`mark_partially_refunded`) run in the caller's transaction on a pledge the caller locked with
`lock_pledge`, so the pledge is locked once. `mark_paid` and `approve` run the declared steps
that follow them (`hooks.py`). Moves that free slots offer them to the waiting list after
commit.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.pledges import mail
from marketplace.pledges.availability import check_slots, lock_package
from marketplace.pledges.errors import PledgeError
from marketplace.pledges.hooks import PLEDGE_APPROVED, PLEDGE_CLOSED, PLEDGE_PAID
from marketplace.pledges.models import (
    PaymentMethod,
    Pledge,
    WaitlistEntry,
    WaitlistStatus,
)
from marketplace.pledges.rules import deadline_end, hold_expiry
from marketplace.pledges.states import (
    EXPIRING_STATES,
    PLEDGE_MACHINE,
    SLOT_HOLDING_STATES,
    PledgeState,
)
from sponsors.models import Membership

EXPIRY_BATCH = 500
# Moves that end a pledge unpaid: what follows them is `hooks.PLEDGE_CLOSED`.
CLOSING_STATES = (PledgeState.EXPIRED, PledgeState.CANCELLED, PledgeState.REJECTED)

_UNCHANGED = object()


def apply_move(pledge, to_state, *, actor=None, reason="", expires_at=_UNCHANGED):
    """Apply an allowed move to a locked pledge, log it, keep its waiting-list entry in step and
    offer freed slots to the waiting list after commit; returns the history entry. The pledge
    app's own primitive: other apps call the named moves below."""
    from_state = pledge.status
    also_save = ()
    if expires_at is not _UNCHANGED:
        PLEDGE_MACHINE.check(from_state, to_state)  # before touching the expiry
        pledge.expires_at = expires_at
        also_save = ("expires_at",)
    change = PLEDGE_MACHINE.move(pledge, to_state, actor=actor, reason=reason, also_save=also_save)
    _sync_waitlist_entry(pledge, to_state)
    if to_state in CLOSING_STATES:
        PLEDGE_CLOSED.run(pledge, actor=actor, to_state=to_state)  # e.g. void the open invoice
    if from_state in SLOT_HOLDING_STATES and to_state not in SLOT_HOLDING_STATES:
        # Inside the function: waitlist imports this module (it cancels and moves offers).
        from marketplace.pledges.waitlist import offer_freed_slots

        package_id = pledge.package_id
        transaction.on_commit(lambda: offer_freed_slots(package_id))
    return change


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
    """The pledge, read again under a row lock held until the transaction ends. Everything
    that moves a pledge or counts money against it takes this lock first, once. Only the
    pledge's row is locked (`of=self`): its event and organisation come with it, unlocked, so
    payments for pledges of the same event do not queue on the event's row."""
    return (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("event", "organisation")
        .get(pk=pledge.pk)
    )


def transition(pledge: Pledge, to_state: str, *, actor=None, reason="") -> Pledge:
    """Move a pledge to `to_state` if the state machine allows it from its current state (read
    under a row lock), logging who, when and why. Raises `InvalidTransition` otherwise."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        apply_move(locked, to_state, actor=actor, reason=reason)
    return locked


# --- Money moves: the caller (payments) holds the pledge lock ------------------------------


def mark_awaiting_payment(pledge: Pledge, *, actor=None, reason="") -> None:
    """A held pledge (locked by the caller) now waits for its payment: an invoice was issued,
    a card checkout opened, or money arrived."""
    apply_move(pledge, PledgeState.AWAITING_PAYMENT, actor=actor, reason=reason)


def retake_slots(pledge: Pledge) -> None:
    """A payment arrived after the pledge's hold expired: take its slots again if they are
    still free, under the package lock (held until the caller's transaction ends). Raises
    `PledgeError` (or `NotEnoughLeft`) when they are gone, writing nothing."""
    locked = lock_package(pledge.package_id)
    check_slots(locked, pledge.package_id, pledge.organisation_id, pledge.quantity)


def mark_paid(pledge: Pledge, *, actor=None, reason="", payment=None) -> None:
    """Mark a pledge (locked by the caller, awaiting payment — or expired, after
    `retake_slots`) paid, then run what follows a payment (`hooks.PLEDGE_PAID`: the receipt,
    the benefit tasks, the agreement) in the same transaction: if a step fails, the pledge is
    not paid and nothing of the steps remains."""
    apply_move(pledge, PledgeState.PAID, actor=actor, reason=reason)
    PLEDGE_PAID.run(pledge, actor=actor, payment=payment)


def mark_partially_refunded(pledge: Pledge, *, actor=None, reason="") -> None:
    """Part of a paid pledge's money went back; it keeps its slots."""
    apply_move(pledge, PledgeState.PARTIALLY_REFUNDED, actor=actor, reason=reason)


def mark_refunded(pledge: Pledge, *, actor=None, reason="") -> None:
    """All of a paid pledge's money went back: it is refunded and frees its slots."""
    apply_move(pledge, PledgeState.REFUNDED, actor=actor, reason=reason)


# --- Staff decisions ------------------------------------------------------------------------


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
        change = apply_move(
            locked,
            PledgeState.AWAITING_PAYMENT,
            actor=actor,
            reason=reason or _("Approved."),
            expires_at=expires_at,
        )
        PLEDGE_APPROVED.run(locked, actor=actor)  # e.g. the agreement, under its policy
        mail.notify(locked, "approved", reason, change=change.pk)
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
        change = apply_move(locked, PledgeState.REJECTED, actor=actor, reason=reason)
        mail.notify(locked, "rejected", reason, change=change.pk)
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
        change = apply_move(locked, PledgeState.CANCELLED, actor=actor, reason=reason or default)
        mail.notify(locked, "cancelled", reason, change=change.pk)
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
        change = PLEDGE_MACHINE.log(
            locked, locked.status, locked.status, actor=actor, reason=f"{note} {reason}".strip()
        )
        mail.notify(locked, "extended", reason, change=change.pk)
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
            change = apply_move(
                pledge, PledgeState.EXPIRED, reason=gettext_lazy("The hold expired.")
            )
            mail.notify(pledge, "expired", change=change.pk)
            expired += 1
    return expired
