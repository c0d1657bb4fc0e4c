"""The agreement's state machine: every allowed move works and is audited, every other one is
refused with nothing written."""

import itertools

import pytest

from marketplace.agreements.models import Agreement, AgreementChange
from marketplace.agreements.moves import apply_move
from marketplace.agreements.states import (
    ALLOWED_MOVES,
    AgreementState,
    InvalidAgreementMove,
    check_move,
)

S = AgreementState
EXPECTED = {
    (S.DRAFT, S.SENT),
    (S.DRAFT, S.VOID),
    (S.SENT, S.SIGNED_BY_SPONSOR),
    (S.SENT, S.VOID),
    (S.SIGNED_BY_SPONSOR, S.EXECUTED),
    (S.SIGNED_BY_SPONSOR, S.VOID),
}
ALL_PAIRS = list(itertools.product(S.values, repeat=2))
STAMP = {
    S.SENT: "sent_at",
    S.SIGNED_BY_SPONSOR: "sponsor_signed_at",
    S.EXECUTED: "executed_at",
    S.VOID: "voided_at",
}


def test_the_table_is_exactly_the_documented_machine():
    table = {(a, b) for a, targets in ALLOWED_MOVES.items() for b in targets}
    assert table == EXPECTED
    assert ALLOWED_MOVES[S.EXECUTED] == frozenset() and ALLOWED_MOVES[S.VOID] == frozenset()


@pytest.fixture
def draft(pledge):
    return Agreement.objects.create(pledge=pledge, number="AGR-2026-00042", version=1)


@pytest.mark.parametrize("from_state, to_state", sorted(EXPECTED))
def test_every_allowed_move_is_applied_stamped_and_audited(draft, sponsor, from_state, to_state):
    Agreement.objects.filter(pk=draft.pk).update(status=from_state)
    draft.refresh_from_db()
    apply_move(draft, to_state, actor=sponsor[0], reason="because")
    draft.refresh_from_db()
    assert draft.status == to_state
    assert getattr(draft, STAMP[to_state]) is not None
    entry = AgreementChange.objects.get(agreement=draft)
    assert (entry.from_state, entry.to_state, entry.reason, entry.actor) == (
        from_state,
        to_state,
        "because",
        sponsor[0],
    )


@pytest.mark.parametrize(
    "from_state, to_state", [pair for pair in ALL_PAIRS if pair not in EXPECTED]
)
def test_every_other_move_is_refused_and_nothing_is_written(draft, from_state, to_state):
    Agreement.objects.filter(pk=draft.pk).update(status=from_state)
    draft.refresh_from_db()
    with pytest.raises(InvalidAgreementMove) as refused:
        apply_move(draft, to_state, reason="no")
    assert refused.value.from_state == from_state and refused.value.to_state == to_state
    assert "cannot go from" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == from_state
    assert not AgreementChange.objects.filter(agreement=draft).exists()


def test_check_move_refuses_unknown_states():
    with pytest.raises(InvalidAgreementMove):
        check_move("draft", "archived")
    with pytest.raises(InvalidAgreementMove):
        check_move("nonsense", "sent")
