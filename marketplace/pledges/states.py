"""Pledge states and the moves allowed between them: one table, one function.

    held ──► awaiting_approval ──► awaiting_payment ──► paid ──► partially_refunded ──► refunded
      │  ╲__________________________▲                   ╲_____________________________▲
      └─ held / awaiting_* ──► expired | cancelled | rejected;   expired ──► paid (late payment)

A pledge that needs no approval goes from held straight to awaiting_payment. The payments issue
fills in the paid and refund moves; this module only says which moves are allowed, and
`PLEDGE_MACHINE` binds the table to the pledge's state field and its audit log
(`PledgeChange`). The moves themselves, and the pledge lock, live in `moves.py`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import InvalidMove, StateMachine


class PledgeState(models.TextChoices):
    HELD = "held", _("Held")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


S = PledgeState
_ENDINGS = {S.EXPIRED, S.CANCELLED, S.REJECTED}

# The whole state machine. A move not listed here is forbidden.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.HELD: frozenset({S.AWAITING_APPROVAL, S.AWAITING_PAYMENT} | _ENDINGS),
    S.AWAITING_APPROVAL: frozenset({S.AWAITING_PAYMENT} | _ENDINGS),
    S.AWAITING_PAYMENT: frozenset({S.PAID} | _ENDINGS),
    S.PAID: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.REFUNDED}),
    # A payment that arrives after the hold expired takes the slots again if they are still
    # free (marketplace/payments/settlement.py re-checks them under the package lock).
    S.EXPIRED: frozenset({S.PAID}),
    S.CANCELLED: frozenset(),
    S.REJECTED: frozenset(),
    S.REFUNDED: frozenset(),
}

# States in which a pledge keeps its slots out of the package's availability
# (read by `events/availability.py`).
SLOT_HOLDING_STATES = (
    "held",
    "awaiting_approval",
    "awaiting_payment",
    "paid",
    "partially_refunded",
)

# States whose hold runs out at `expires_at` (the expiry task moves them to expired).
EXPIRING_STATES = (S.HELD, S.AWAITING_APPROVAL, S.AWAITING_PAYMENT)

# States of a pledge that was paid (a partial refund keeps the rest): its benefits are
# delivered, its agreement issued, its money counted.
PAID_STATES = (S.PAID, S.PARTIALLY_REFUNDED)

# States in which a pledge takes a payment for what it still owes.
PAYABLE_STATES = (S.HELD, S.AWAITING_PAYMENT)


class InvalidTransition(InvalidMove):
    """A pledge was asked to make a move the state machine forbids."""

    def __init__(self, from_state: str, to_state: str):
        super().__init__(from_state, to_state)
        self.args = (
            _("A pledge cannot go from “%(from)s” to “%(to)s”.")
            % {"from": _label(from_state), "to": _label(to_state)},
        )


PLEDGE_MACHINE = StateMachine(
    moves=ALLOWED_MOVES,
    log_model="pledges.PledgeChange",
    subject="pledge",
    touch=("updated_at",),
    error=InvalidTransition,
)


def check_move(from_state: str, to_state: str) -> None:
    """Raise `InvalidTransition` unless the state machine allows `from_state` → `to_state`."""
    PLEDGE_MACHINE.check(from_state, to_state)


def _label(state: str) -> str:
    try:
        return str(PledgeState(state).label)
    except ValueError:
        return state
