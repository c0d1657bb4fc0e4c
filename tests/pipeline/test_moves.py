"""Opportunity stages: allowed and forbidden moves, what won and lost need, the audit trail and
the weighted pipeline."""

import datetime
from decimal import Decimal

import pytest

from register.pipeline import services
from register.pipeline.models import Opportunity, OpportunityMove, Prospect
from register.pipeline.stages import InvalidStageMove, PipelineError
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)
from tests.pipeline.conftest import agreement, at, opportunity, paid_pledge, partner, prospect_for


@pytest.fixture
def orbit(db):
    return partner("Orbit Networks")


@pytest.fixture
def signed(orbit):
    return agreement(
        "BDT/2026/001",
        [orbit],
        signed_on=datetime.date(2026, 3, 1),
        value="80000",
        currency="USD",
        contribution="cash",
    )


def test_an_opportunity_moves_forward_and_each_move_is_audited(orbit, owner):
    opp = opportunity(prospect_for(orbit), owner)
    services.move(opp, "contacted", actor=owner, reason="Met at GSR")
    opp = services.move(opp, "proposal", actor=owner, probability=60)
    assert (opp.stage, opp.probability) == ("proposal", 60)
    moves = list(opp.history.values_list("from_state", "to_state", "reason", "actor"))
    assert moves == [
        ("", "identified", "Opportunity recorded.", owner.pk),
        ("identified", "contacted", "Met at GSR", owner.pk),
        ("contacted", "proposal", "", owner.pk),
    ]
    assert services.move(opp, "contacted").probability == 25  # the stage's default


def test_a_forbidden_move_raises_and_changes_nothing(orbit, owner):
    opp = opportunity(prospect_for(orbit), owner)
    with pytest.raises(InvalidStageMove):
        services.move(opp, "negotiation")
    opp.refresh_from_db()
    assert opp.stage == "identified"
    assert opp.history.count() == 1


def test_won_needs_the_resulting_agreement_or_pledge(orbit, owner):
    opp = opportunity(prospect_for(orbit), owner, stage="negotiation")
    with pytest.raises(PipelineError) as error:
        services.move(opp, "won", actor=owner)
    assert error.value.field == "agreement"
    assert Opportunity.objects.get(pk=opp.pk).stage == "negotiation"


def test_won_with_the_signed_agreement_closes_at_full_probability(orbit, owner, signed):
    opp = opportunity(prospect_for(orbit), owner, stage="negotiation")
    won = services.move(
        opp,
        "won",
        actor=owner,
        agreement=signed,
        reason="Signed in March",
        today=datetime.date(2026, 3, 2),
    )
    assert (won.stage, won.probability, won.agreement, won.closed_on) == (
        "won",
        100,
        signed,
        datetime.date(2026, 3, 2),
    )
    assert OpportunityMove.objects.filter(opportunity=opp, to_state="won").get().reason == (
        "Signed in March"
    )
    with pytest.raises(InvalidStageMove):  # won is final
        services.move(won, "lost", lost_reason="changed mind")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: agreement("D-1", [p], signed_on=None, status="draft"), "is a draft"),
        (
            lambda p: agreement(
                "X-1", [partner("Someone Else")], signed_on=datetime.date(2026, 1, 1)
            ),
            "is not signed with Orbit Networks",
        ),
    ],
)
def test_won_refuses_a_draft_or_someone_elses_agreement(orbit, owner, make, message):
    opp = opportunity(prospect_for(orbit), owner, stage="proposal")
    with pytest.raises(PipelineError, match=message):
        services.move(opp, "won", agreement=make(orbit))
    assert Opportunity.objects.get(pk=opp.pk).stage == "proposal"


def test_one_agreement_is_the_result_of_one_opportunity(orbit, owner, signed):
    first = opportunity(prospect_for(orbit), owner, stage="negotiation", title="First")
    services.move(first, "won", agreement=signed)
    second = opportunity(prospect_for(orbit), owner, stage="negotiation", title="Second")
    with pytest.raises(PipelineError, match="already the result of “First”"):
        services.move(second, "won", agreement=signed)


def test_won_with_a_pledge_needs_it_paid_and_made_by_the_prospect(db, owner):
    event = make_event(site_tree()[1])
    make_terms(event)
    package = make_package(event, price="9000.00", capacity=5)
    second = make_package(event, title="Coffee", price="3000.00", capacity=5)
    sponsor = make_sponsor(name="Nimbus")
    prospect = Prospect.objects.create(organisation=sponsor[1])
    opp = opportunity(prospect, owner, stage="proposal")
    unpaid = pledge_for(sponsor, package)
    with pytest.raises(PipelineError, match="is not paid"):
        services.move(opp, "won", pledge=unpaid)
    strangers = paid_pledge(package, make_sponsor(name="Stranger"), paid_at=at(2026))
    with pytest.raises(PipelineError, match="another organisation"):
        services.move(opp, "won", pledge=strangers)
    paid = paid_pledge(second, sponsor, paid_at=at(2026))
    assert services.move(opp, "won", pledge=paid).pledge == paid


def test_lost_needs_a_reason_and_can_be_reopened(orbit, owner):
    opp = opportunity(prospect_for(orbit), owner, stage="contacted")
    with pytest.raises(PipelineError) as error:
        services.move(opp, "lost", lost_reason="  ")
    assert error.value.field == "lost_reason"
    lost = services.move(opp, "lost", lost_reason="Budget cut")
    assert (lost.stage, lost.probability, lost.lost_reason) == ("lost", 0, "Budget cut")
    assert opp.history.last().reason == "Budget cut"
    reopened = services.move(lost, "identified", reason="New budget")
    assert (reopened.stage, reopened.probability, reopened.lost_reason) == ("identified", 10, "")


def test_weighted_pipeline_per_currency_counts_open_opportunities_only(
    orbit, owner, other_owner, signed
):
    p = prospect_for(orbit)
    opportunity(p, owner, stage="proposal", value="100000", currency="USD")  # 50 %
    opportunity(p, owner, stage="negotiation", value="20000", currency="USD", probability=90)
    opportunity(p, other_owner, stage="contacted", value="40000", currency="CHF")  # 25 %
    opportunity(p, owner, stage="identified", value=None)  # no value: not counted
    won = opportunity(p, owner, stage="negotiation", value="999999", currency="USD")
    services.move(won, "won", agreement=signed)
    totals = services.weighted_pipeline()
    assert totals == {
        "CHF": {"expected": Decimal("40000.00"), "weighted": Decimal("10000.00"), "count": 1},
        "USD": {"expected": Decimal("120000.00"), "weighted": Decimal("68000.00"), "count": 2},
    }
    mine = services.weighted_pipeline(services.BoardFilters(owner=owner))
    assert list(mine) == ["USD"]
    africa = services.weighted_pipeline(services.BoardFilters(region="EUR"))
    assert africa == {}


def test_board_columns_filter_by_owner_area_and_region(orbit, owner, other_owner):
    p = prospect_for(orbit)
    mine = opportunity(p, owner, stage="proposal", regions=["ASP"], areas=["cybersecurity"])
    opportunity(p, other_owner, stage="proposal", regions=["AFR"], areas=["cybersecurity"])
    columns = {c.stage: c for c in services.board(services.BoardFilters(owner=owner))}
    assert [c.pk for c in columns["proposal"].cards] == [mine.pk]
    assert columns["proposal"].totals == {"USD": Decimal("10000.00")}
    by_region = services.board(services.BoardFilters(region="ASP"))
    assert sum(len(c.cards) for c in by_region) == 1
    by_area = services.board(services.BoardFilters(area="cybersecurity"))
    assert sum(len(c.cards) for c in by_area) == 2
