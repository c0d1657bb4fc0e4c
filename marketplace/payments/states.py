"""Payment attempt states and the moves allowed between them.

    created ──► pending ──► succeeded ──► refunded
       │           ├──► failed
       │           └──► expired ──► succeeded   (a completion delivered after the expiry)
       ├──► failed                               (Stripe refused to open the checkout)
       └──► succeeded                            (a bank transfer is recorded as received)

A partly refunded payment stays succeeded; it becomes refunded when nothing is left of it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class InvalidPaymentMove(Exception):
    def __init__(self, from_state: str, to_state: str):
        self.from_state, self.to_state = from_state, to_state
        super().__init__(f"A payment cannot go from {from_state} to {to_state}.")


def check_move(from_state: str, to_state: str) -> None:
    if to_state not in ALLOWED_MOVES.get(from_state, frozenset()):
        raise InvalidPaymentMove(from_state, to_state)
