"""Moving an agreement through its states: checked against `states.py`, stamped and audited."""

from django.utils import timezone

from marketplace.agreements.models import Agreement, AgreementEvent
from marketplace.agreements.states import AgreementState, check_move

# The timestamp each state sets when an agreement enters it.
STAMPS = {
    AgreementState.SENT: "sent_at",
    AgreementState.SIGNED_BY_SPONSOR: "sponsor_signed_at",
    AgreementState.EXECUTED: "executed_at",
    AgreementState.VOID: "voided_at",
}


def lock_agreement(pk: int) -> Agreement:
    """The agreement, its row locked until the transaction ends (with pledge, event and
    organisation loaded)."""
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("pledge", "pledge__event", "pledge__organisation")
        .get(pk=pk)
    )


def log_event(agreement, from_state, to_state, actor=None, reason="") -> AgreementEvent:
    return AgreementEvent.objects.create(
        agreement=agreement,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_state=from_state,
        to_state=to_state,
        reason=str(reason),
    )


def apply_move(agreement, to_state: str, *, actor=None, reason="", at=None, also_save=()) -> None:
    """Apply an allowed move to a locked agreement: state, its timestamp, an audit entry (and
    the fields named in `also_save`, in the same UPDATE). Raises `InvalidAgreementMove`
    (nothing written) when the table forbids it."""
    from_state = agreement.status
    check_move(from_state, to_state)
    agreement.status = to_state
    fields = ["status", *also_save]
    stamp = STAMPS.get(to_state)
    if stamp:
        setattr(agreement, stamp, at or timezone.now())
        fields.append(stamp)
    agreement.save(update_fields=fields)
    log_event(agreement, from_state, to_state, actor, reason)
