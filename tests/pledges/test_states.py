"""Every move of the pledge state machine: the allowed ones succeed and are logged, every other
one raises InvalidTransition and changes nothing."""

import itertools

import pytest

from marketplace.pledges.models import Pledge
from marketplace.pledges.services import transition
from marketplace.pledges.states import InvalidTransition, PledgeState, check_move
from tests.factories import pledge_for

# Written out from the issue, independently of states.ALLOWED_MOVES.
ALLOWED = {
    ("held", "awaiting_approval"),
    ("held", "awaiting_payment"),
    ("awaiting_approval", "awaiting_payment"),
    ("awaiting_payment", "paid"),
    ("paid", "refunded"),
    ("paid", "partially_refunded"),
    ("partially_refunded", "refunded"),
    # Issue 4: a payment arriving after the hold expired re-takes the slots if they are free.
    ("expired", "paid"),
}
for _waiting in ("held", "awaiting_approval", "awaiting_payment"):
    for _ending in ("expired", "cancelled", "rejected"):
        ALLOWED.add((_waiting, _ending))

ALL_PAIRS = list(itertools.product(PledgeState.values, repeat=2))


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS)
def test_state_table_matches_the_issue(from_state, to_state):
    if (from_state, to_state) in ALLOWED:
        check_move(from_state, to_state)
    else:
        with pytest.raises(InvalidTransition):
            check_move(from_state, to_state)


@pytest.mark.parametrize("from_state", PledgeState.values)
def test_every_move_from_a_state(from_state, package, sponsor, admin_user):
    """From `from_state`, each allowed move is applied and logged (who, from, to, why); each
    forbidden one raises InvalidTransition and leaves state and history unchanged."""
    pledge = pledge_for(sponsor, package)
    for to_state in PledgeState.values:
        Pledge.objects.filter(pk=pledge.pk).update(status=from_state)
        entries = pledge.history.count()
        if (from_state, to_state) in ALLOWED:
            transition(pledge, to_state, actor=admin_user, reason=f"to {to_state}")
            pledge.refresh_from_db()
            assert pledge.status == to_state
            last = pledge.history.last()
            assert (last.from_state, last.to_state, last.actor, last.reason) == (
                from_state,
                to_state,
                admin_user,
                f"to {to_state}",
            )
        else:
            with pytest.raises(InvalidTransition) as error:
                transition(pledge, to_state, actor=admin_user)
            pledge.refresh_from_db()
            assert pledge.status == from_state, to_state
            assert pledge.history.count() == entries
            assert str(PledgeState(from_state).label) in str(error.value)


def test_move_is_checked_against_the_stored_state_not_a_stale_copy(package, sponsor):
    pledge = pledge_for(sponsor, package)
    Pledge.objects.filter(pk=pledge.pk).update(status="cancelled")  # someone else moved it
    assert pledge.status == "held"  # the caller's copy is stale

    with pytest.raises(InvalidTransition):
        transition(pledge, "awaiting_payment")
