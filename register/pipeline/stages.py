"""Opportunity stages and the moves allowed between them: one table, one machine.

    identified ──► contacted ──► proposal ──► negotiation ──► won (with the agreement or pledge)
        ▲  ◄───────────┘  ◄──────────┘ ◄───────────┘    └──► lost (with a reason), from any
        └───────────────────────── lost (reopened) ◄────┘         open stage

A step back is allowed (a proposal turned down may go back to "contacted"); won is final; a lost
opportunity can be reopened as identified. Each stage has a default probability.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import StateMachine


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


S = Stage

OPEN_STAGES = (S.IDENTIFIED, S.CONTACTED, S.PROPOSAL, S.NEGOTIATION)
BOARD_STAGES = (*OPEN_STAGES, S.WON, S.LOST)

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.IDENTIFIED: frozenset({S.CONTACTED, S.LOST}),
    S.CONTACTED: frozenset({S.PROPOSAL, S.IDENTIFIED, S.LOST}),
    S.PROPOSAL: frozenset({S.NEGOTIATION, S.CONTACTED, S.WON, S.LOST}),
    S.NEGOTIATION: frozenset({S.WON, S.LOST, S.PROPOSAL}),
    S.WON: frozenset(),
    S.LOST: frozenset({S.IDENTIFIED}),
}

# The chance of winning assumed at each stage, in percent, unless the owner says otherwise.
DEFAULT_PROBABILITY: dict[str, int] = {
    S.IDENTIFIED: 10,
    S.CONTACTED: 25,
    S.PROPOSAL: 50,
    S.NEGOTIATION: 75,
    S.WON: 100,
    S.LOST: 0,
}


class PipelineError(Exception):
    """A request about the pipeline that the rules refuse; `message` is for the person and
    `field` names the form field at fault, if any."""

    def __init__(self, message, field: str | None = None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class InvalidStageMove(PipelineError):
    def __init__(self, from_stage: str, to_stage: str):
        self.from_stage = from_stage
        self.to_stage = to_stage
        super().__init__(
            _("An opportunity cannot go from “%(from)s” to “%(to)s”.")
            % {"from": label(from_stage), "to": label(to_stage)},
            field="stage",
        )


# The opportunity's machine (`marketplace/core/states.py`): the table above on the `stage`
# field, `updated_at` saved with every move, and the stage history every move writes.
PIPELINE_MACHINE = StateMachine(
    moves=ALLOWED_MOVES,
    log_model="pipeline.OpportunityMove",
    subject="opportunity",
    state_field="stage",
    touch=("updated_at",),
    error=InvalidStageMove,
)


def check_move(from_stage: str, to_stage: str) -> None:
    """Raise `InvalidStageMove` unless `from_stage` → `to_stage` is allowed."""
    PIPELINE_MACHINE.check(from_stage, to_stage)


def allowed_next(stage: str) -> list[str]:
    """The stages an opportunity at `stage` may move to, in board order."""
    allowed = ALLOWED_MOVES.get(stage, frozenset())
    return [s for s in BOARD_STAGES if s in allowed]


def label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage
