"""Agreement states and the moves allowed between them: one table, one machine.

    draft ──► sent ──► signed_by_sponsor ──► executed
      │        │              │
      └────────┴──────────────┴──► void   (a new version replaces it, or the deal is off)

draft: numbered, its PDF being rendered. sent: emailed to the sponsor's signatory, awaiting
their signature. signed_by_sponsor: awaiting the organisers' countersignature. executed: both
signed; the executed PDF and the register entry follow. void: replaced by a newer version (or
withdrawn); never signed again. Executed and void are final.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import InvalidMove, StateMachine


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent for signature")
    SIGNED_BY_SPONSOR = "signed_by_sponsor", _("Signed by the sponsor")
    EXECUTED = "executed", _("Executed")
    VOID = "void", _("Void")


S = AgreementState

# The whole state machine. A move not listed here is forbidden.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT, S.VOID}),
    S.SENT: frozenset({S.SIGNED_BY_SPONSOR, S.VOID}),
    S.SIGNED_BY_SPONSOR: frozenset({S.EXECUTED, S.VOID}),
    S.EXECUTED: frozenset(),
    S.VOID: frozenset(),
}

# States of a version that still counts (the pledge's current agreement).
LIVE_STATES = (S.DRAFT, S.SENT, S.SIGNED_BY_SPONSOR, S.EXECUTED)
# States in which a new version may replace the current one (before execution).
REPLACEABLE_STATES = (S.DRAFT, S.SENT, S.SIGNED_BY_SPONSOR)


class InvalidAgreementMove(InvalidMove):
    """An agreement was asked to make a move the state machine forbids."""

    def __init__(self, from_state: str, to_state: str):
        self.from_state = from_state
        self.to_state = to_state
        self.message = str(
            _("An agreement cannot go from “%(from)s” to “%(to)s”.")
            % {"from": label(from_state), "to": label(to_state)}
        )
        Exception.__init__(self, self.message)


# The agreement's machine (`marketplace/core/states.py`): the table above, the timestamp each
# state sets when an agreement enters it, and the audit log every move writes.
AGREEMENT_MACHINE = StateMachine(
    moves=ALLOWED_MOVES,
    log_model="agreements.AgreementChange",
    subject="agreement",
    stamps={
        S.SENT: "sent_at",
        S.SIGNED_BY_SPONSOR: "sponsor_signed_at",
        S.EXECUTED: "executed_at",
        S.VOID: "voided_at",
    },
    error=InvalidAgreementMove,
)


def check_move(from_state: str, to_state: str) -> None:
    """Raise `InvalidAgreementMove` unless the table allows `from_state` → `to_state`."""
    AGREEMENT_MACHINE.check(from_state, to_state)


def label(state: str) -> str:
    try:
        return str(AgreementState(state).label)
    except ValueError:
        return state or "—"
