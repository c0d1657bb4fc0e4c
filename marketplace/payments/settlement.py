"""Settlement: the one place money received is counted against a pledge.

Both the card webhook and a bank transfer recorded by finance end here, inside the transaction
that recorded the payment, with the pledge locked by the caller (`pledges.moves.lock_pledge`,
taken once per transaction). `settle` sums what the pledge received, and

* pays a pledge that is held or awaiting payment once the full total is in (less what finance
  booked as bank charges or wrote off); a part-payment leaves it waiting, with the balance
  shown, and is acknowledged (`payments/hooks.py`, `PAYMENT_PART_RECEIVED`):
  `pledges.moves.mark_paid` runs what follows a payment — the receipt, the benefit tasks, the
  agreement (`marketplace/pledges/hooks.py`, `PLEDGE_PAID`) — in the same transaction;
* lets a payment that arrives after the hold expired take the slots again — through the
  pledges' own `retake_slots` (package lock and slot check) — if they are still free; otherwise
  the payment is flagged for a refund decision and nothing is oversold;
* flags money received for a pledge that no longer takes it (cancelled, rejected, awaiting
  approval) or beyond its total, and receipts money received for a pledge already paid
  (`payments/hooks.py`, `PAYMENT_BEYOND_PAID`).
"""

import logging

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.money import format_money
from marketplace.payments.balance import balance_of
from marketplace.payments.hooks import (
    PAYMENT_BEYOND_PAID,
    PAYMENT_PART_RECEIVED,
    PAYMENT_RECEIVED,
)
from marketplace.payments.models import FlagKind, Payment
from marketplace.payments.moves import raise_flag
from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import Pledge
from marketplace.pledges.moves import mark_awaiting_payment, mark_paid, retake_slots
from marketplace.pledges.states import PAID_STATES, PledgeState

log = logging.getLogger(__name__)


class Outcome:
    PAID = "paid"
    PARTIAL = "partial"
    FLAGGED = "flagged"
    RECEIPTED = "receipted"


def settle(pledge: Pledge, *, actor=None, payment: Payment | None = None) -> str:
    """Count the pledge's succeeded payments and act on the total (see the module's doc).
    `pledge` is locked by the caller (`lock_pledge`) in the transaction that recorded the
    money; returns an `Outcome`. Guarantees: a pledge is marked paid at most once, a receipt is
    issued only with the move that needs it, and a late payment never takes slots another
    pledge holds."""
    with transaction.atomic():
        if payment is not None:
            PAYMENT_RECEIVED.run(payment, pledge=pledge, actor=actor)
        balance = balance_of(pledge)
        status = pledge.status
        money = format_money(balance.net, pledge.currency)

        if status in (PledgeState.HELD, PledgeState.AWAITING_PAYMENT):
            if balance.outstanding > 0:
                if payment is not None:
                    PAYMENT_PART_RECEIVED.run(pledge, payment=payment, actor=actor)
                return Outcome.PARTIAL
            if status == PledgeState.HELD:
                mark_awaiting_payment(pledge, actor=actor, reason=gettext_lazy("Payment received."))
            mark_paid(
                pledge,
                actor=actor,
                reason=_("Paid in full (%(money)s received).") % {"money": money},
                payment=payment,
            )
            _flag_overpayment(pledge, balance, payment)
            return Outcome.PAID

        if status == PledgeState.EXPIRED:
            if balance.outstanding > 0:
                return _flag(FlagKind.NOT_PAYABLE, pledge, payment, _late_message(pledge))
            try:
                retake_slots(pledge)
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
            mark_paid(
                pledge,
                actor=actor,
                reason=_("Paid after the hold expired (%(money)s); the slots were still free.")
                % {"money": money},
                payment=payment,
            )
            _flag_overpayment(pledge, balance, payment)
            return Outcome.PAID

        if status in PAID_STATES:
            PAYMENT_BEYOND_PAID.run(pledge, actor=actor)
            _flag(
                FlagKind.OVERPAYMENT,
                pledge,
                payment,
                _("Pledge %(reference)s is already paid and received another payment.")
                % {"reference": pledge.reference},
            )
            return Outcome.RECEIPTED

        return _flag(FlagKind.NOT_PAYABLE, pledge, payment, _late_message(pledge))


def _flag_overpayment(pledge, balance, payment) -> None:
    if balance.excess > 0:
        _flag(
            FlagKind.OVERPAYMENT,
            pledge,
            payment,
            _("Pledge %(reference)s received %(over)s more than its total: refund the balance?")
            % {
                "reference": pledge.reference,
                "over": format_money(balance.excess, pledge.currency),
            },
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
