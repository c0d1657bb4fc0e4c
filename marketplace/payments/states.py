"""Payment attempt states and the moves allowed between them.

    created ──► pending ──► succeeded ──► refunded
       │           ├──► failed
       │           └──► expired ──► succeeded   (a completion delivered after the expiry)
       ├──► failed                               (Stripe refused to open the checkout)
       └──► succeeded                            (a bank transfer is recorded as received)

A partly refunded payment stays succeeded; it becomes refunded when nothing is left of it.
`PAYMENT_MACHINE` binds the table to the payment's status and its audit log (`PaymentChange`);
`moves.py` applies it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import InvalidMove, StateMachine


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


P = PaymentStatus
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    P.CREATED: frozenset({P.PENDING, P.FAILED, P.SUCCEEDED}),
    P.PENDING: frozenset({P.SUCCEEDED, P.FAILED, P.EXPIRED}),
    P.EXPIRED: frozenset({P.SUCCEEDED}),
    P.SUCCEEDED: frozenset({P.REFUNDED}),
    P.FAILED: frozenset(),
    P.REFUNDED: frozenset(),
}

# Money that came in (whether or not some of it went back since).
RECEIVED_STATES = (P.SUCCEEDED, P.REFUNDED)


class InvalidPaymentMove(InvalidMove):
    def __init__(self, from_state: str, to_state: str):
        super().__init__(from_state, to_state)
        self.args = (f"A payment cannot go from {from_state} to {to_state}.",)


PAYMENT_MACHINE = StateMachine(
    moves=ALLOWED_MOVES,
    log_model="payments.PaymentChange",
    subject="payment",
    touch=("updated_at",),
    error=InvalidPaymentMove,
)


def check_move(from_state: str, to_state: str) -> None:
    PAYMENT_MACHINE.check(from_state, to_state)
