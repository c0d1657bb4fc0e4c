"""Moving an agreement through its states: the machine declared in `states.py` (checked,
stamped and audited by `marketplace/core/states.py`); the row lock is this app's."""

from marketplace.agreements.models import Agreement, AgreementChange
from marketplace.agreements.states import AGREEMENT_MACHINE


def lock_agreement(pk: int) -> Agreement:
    """The agreement, its row locked until the transaction ends (with pledge, event and
    organisation loaded)."""
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("pledge", "pledge__event", "pledge__organisation")
        .get(pk=pk)
    )


def log_change(agreement, from_state, to_state, actor=None, reason="") -> AgreementChange:
    """One audit row for a change that is not a move of the table (e.g. a new version)."""
    return AGREEMENT_MACHINE.log(agreement, from_state, to_state, actor=actor, reason=reason)


def apply_move(agreement, to_state: str, *, actor=None, reason="", at=None, also_save=()) -> None:
    """Apply an allowed move to a locked agreement: state, its timestamp, an audit entry (and
    the fields named in `also_save`, in the same UPDATE). Raises `InvalidAgreementMove`
    (nothing written) when the table forbids it."""
    AGREEMENT_MACHINE.move(
        agreement, to_state, actor=actor, reason=reason, at=at, also_save=also_save
    )
