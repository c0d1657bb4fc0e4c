"""The state machine of unallocated money (`UnallocatedTransfer`): one table of moves.

    unallocated ──► partly_allocated ──► allocated
         │   ╲______________________________▲
         └──────────────┴──► to_return ──► returned

A partly allocated transfer is allocated again (a move from that state to itself, logged with
what was allocated); what is left of it can still be marked to return. The money leaves the
bank only at "returned" (the ledger posts unallocated → bank then, not when it is marked).
"""

from django.utils.translation import gettext_lazy as _

from marketplace.core.states import InvalidMove, StateMachine
from marketplace.finance.receivables import UnallocatedStatus

S = UnallocatedStatus

UNALLOCATED_MOVES = {
    S.UNALLOCATED: frozenset({S.PARTLY_ALLOCATED, S.ALLOCATED, S.TO_RETURN}),
    S.PARTLY_ALLOCATED: frozenset({S.PARTLY_ALLOCATED, S.ALLOCATED, S.TO_RETURN}),
    S.ALLOCATED: frozenset(),
    S.TO_RETURN: frozenset({S.RETURNED}),
    S.RETURNED: frozenset(),
}


class InvalidUnallocatedMove(InvalidMove):
    def __init__(self, from_state: str, to_state: str):
        super().__init__(from_state, to_state)
        self.args = (
            _("An unallocated transfer cannot go from “%(from)s” to “%(to)s”.")
            % {"from": _label(from_state), "to": _label(to_state)},
        )


def _label(state: str) -> str:
    try:
        return str(UnallocatedStatus(state).label)
    except ValueError:
        return state or "—"


UNALLOCATED_MACHINE = StateMachine(
    moves=UNALLOCATED_MOVES,
    log_model="finance.UnallocatedChange",
    subject="transfer",
    touch=("updated_at",),
    error=InvalidUnallocatedMove,
)
