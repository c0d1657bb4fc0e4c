"""Settlement: the one place money received is counted against a pledge.

Both the card webhook and a bank transfer recorded by finance end here, inside the transaction
that recorded the payment. `settle` locks the pledge, sums what it received, and

* pays a pledge that is held or awaiting payment once the full total is in (partial payments
  leave it waiting, with the balance shown), issuing the receipt in the same transaction;
* lets a payment that arrives after the hold expired take the slots again — through the
  pledges' own package lock and slot check — if they are still free; otherwise the payment is
  flagged for a refund decision and nothing is oversold;
* flags money received for a pledge that no longer takes it (cancelled, rejected, awaiting
  approval) or beyond its total, and receipts money received for a pledge already paid.

After commit, the receipt's PDF is rendered and emailed, and `signals.pledge_paid` is sent.
"""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.agreements.scheduling import PAYMENT, schedule_agreement
from marketplace.finance.receipts import issue_receipt
from marketplace.fulfilment.services import enqueue_task_creation
from marketplace.payments.balance import balance_of
from marketplace.payments.models import FlagKind, Payment
from marketplace.payments.moves import raise_flag
from marketplace.payments.signals import announce_paid_after_commit
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import Pledge
from marketplace.pledges.services import check_slots, lock_package
from marketplace.pledges.states import PledgeState
from marketplace.pledges.transitions import apply_move, lock_pledge

log = logging.getLogger(__name__)


class Outcome:
    PAID = "paid"
    PARTIAL = "partial"
    FLAGGED = "flagged"
    RECEIPTED = "receipted"


def settle(pledge_id: int, *, actor=None, payment: Payment | None = None) -> str:
    """Count the pledge's succeeded payments and act on the total (see the module's doc).
    Runs in the caller's transaction (or its own); returns an `Outcome`. Guarantees: a pledge
    is marked paid at most once, a receipt is issued only with the move that needs it, and a
    late payment never takes slots another pledge holds."""
    with transaction.atomic():
        pledge = lock_pledge(Pledge(pk=pledge_id))
        balance = balance_of(pledge)
        status = pledge.status
        money = f"{pledge.currency} {balance.net:,.2f}"

        if status in (PledgeState.HELD, PledgeState.AWAITING_PAYMENT):
            if balance.due > 0:
                return Outcome.PARTIAL
            if status == PledgeState.HELD:
                apply_move(
                    pledge, PledgeState.AWAITING_PAYMENT, actor=actor, reason=_("Payment received.")
                )
            apply_move(
                pledge,
                PledgeState.PAID,
                actor=actor,
                reason=_("Paid in full (%(money)s received).") % {"money": money},
            )
            _after_payment(pledge, balance, actor, payment)
            return Outcome.PAID

        if status == PledgeState.EXPIRED:
            if balance.due > 0:
                return _flag(FlagKind.NOT_PAYABLE, pledge, payment, _late_message(pledge))
            try:
                locked = lock_package(pledge.package_id)
                check_slots(locked, pledge.package_id, pledge.organisation_id, pledge.quantity)
            except PledgeError as error:
                return _flag(
                    FlagKind.LATE_NO_SLOTS,
                    pledge,
                    payment,
                    _(
                        "Pledge %(reference)s was paid after its hold expired and its slots "
                        "are no longer free (%(why)s). Decide on a refund."
                    )
                    % {"reference": pledge.reference, "why": error.message},
                )
            apply_move(
                pledge,
                PledgeState.PAID,
                actor=actor,
                reason=_("Paid after the hold expired (%(money)s); the slots were still free.")
                % {"money": money},
            )
            _after_payment(pledge, balance, actor, payment)
            return Outcome.PAID

        if status in (PledgeState.PAID, PledgeState.PARTIALLY_REFUNDED):
            unreceipted = _unreceipted(pledge)
            if unreceipted:
                issue_receipt(pledge, unreceipted, actor=actor)
            _flag(
                FlagKind.OVERPAYMENT,
                pledge,
                payment,
                _("Pledge %(reference)s is already paid and received another payment.")
                % {"reference": pledge.reference},
            )
            return Outcome.RECEIPTED

        return _flag(FlagKind.NOT_PAYABLE, pledge, payment, _late_message(pledge))


def _after_payment(pledge, balance, actor, payment) -> None:
    issue_receipt(pledge, _unreceipted(pledge), actor=actor)
    enqueue_task_creation(pledge.pk)  # benefit tasks, via the outbox in this transaction
    schedule_agreement(pledge, PAYMENT)  # the agreement, via the outbox in this transaction
    if balance.over > 0:
        _flag(
            FlagKind.OVERPAYMENT,
            pledge,
            payment,
            _("Pledge %(reference)s received %(over)s more than its total: refund the balance?")
            % {"reference": pledge.reference, "over": f"{pledge.currency} {balance.over}"},
        )
    announce_paid_after_commit(pledge.pk)


def _unreceipted(pledge) -> list[Payment]:
    return list(
        Payment.objects.filter(
            pledge=pledge, status=PaymentStatus.SUCCEEDED, receipt__isnull=True
        ).order_by("succeeded_at", "pk")
    )


def _late_message(pledge) -> str:
    return _(
        "Pledge %(reference)s is %(state)s and received a payment it no longer takes. Decide "
        "on a refund."
    ) % {"reference": pledge.reference, "state": pledge.get_status_display().lower()}


def _flag(kind, pledge, payment, message) -> str:
    key = f"payment-{payment.pk}" if payment is not None else f"pledge-{pledge.pk}"
    raise_flag(kind, key, message, payment=payment, pledge=pledge)
    log.warning("Payment flagged for finance: %s", message)
    return Outcome.FLAGGED
