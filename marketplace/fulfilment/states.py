"""Benefit task states and the moves allowed between them: one table, one machine.

    to_do ──► in_progress ──► delivered
      └──────────┴──────────► waived (with a reason)

Delivered and waived are final. Delivering needs a proof; waiving needs a reason.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import StateMachine


class TaskState(models.TextChoices):
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    WAIVED = "waived", _("Waived")


S = TaskState

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.TO_DO: frozenset({S.IN_PROGRESS, S.WAIVED}),
    S.IN_PROGRESS: frozenset({S.DELIVERED, S.WAIVED}),
    S.DELIVERED: frozenset(),
    S.WAIVED: frozenset(),
}

OPEN_STATES = (S.TO_DO, S.IN_PROGRESS)
CLOSED_STATES = (S.DELIVERED, S.WAIVED)


class FulfilmentError(Exception):
    """A request about a benefit task that the rules refuse; `message` is for the person and
    `field` names the form field at fault, if any."""

    def __init__(self, message, field: str | None = None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class InvalidTaskMove(FulfilmentError):
    """A task was asked to make a move the state machine forbids."""

    def __init__(self, from_state: str, to_state: str):
        self.from_state = from_state
        self.to_state = to_state
        super().__init__(
            _("A benefit task cannot go from “%(from)s” to “%(to)s”.")
            % {"from": label(from_state), "to": label(to_state)}
        )


# The benefit task's machine (`marketplace/core/states.py`): the table above on the `state`
# field, `updated_at` saved with every move, and the audit log every move writes.
TASK_MACHINE = StateMachine(
    moves=ALLOWED_MOVES,
    log_model="fulfilment.BenefitTaskChange",
    subject="task",
    state_field="state",
    touch=("updated_at",),
    error=InvalidTaskMove,
)


def check_move(from_state: str, to_state: str) -> None:
    """Raise `InvalidTaskMove` unless the state machine allows `from_state` → `to_state`."""
    TASK_MACHINE.check(from_state, to_state)


def label(state: str) -> str:
    try:
        return str(TaskState(state).label)
    except ValueError:
        return state
