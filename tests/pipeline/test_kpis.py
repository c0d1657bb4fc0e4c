"""KPIs against actuals computed by hand on a small hand-made register (2025), with a paid
pledge from the marketplace and won opportunities from the pipeline."""

import datetime
from decimal import Decimal

import pytest

from register.pipeline import kpis, services
from register.pipeline.kpis import Scope
from register.pipeline.models import CoFinancing, Prospect, Target
from tests.factories import make_event, make_package, make_sponsor, make_terms, site_tree
from tests.pipeline.conftest import agreement, at, opportunity, paid_pledge, partner, prospect_for

D = Decimal


@pytest.fixture
def register(db, owner, other_owner):
    """The hand-made register. Figures for 2025, worked out by hand in the tests below."""
    orbit = partner("Orbit Networks", "private_sector")
    rwanda = partner("Republic of Rwanda", "member_state")
    fondation = partner("Fondation Lumière", "foundation")
    oldco = partner("OldCo Telecom", "sector_member")
    made = {
        "A1": agreement(
            "A1",
            [orbit],
            signed_on=datetime.date(2025, 3, 1),
            value="100000",
            currency="USD",
            contribution="cash",
            owner=owner,
            regions=["AFR"],
            areas=["infrastructure"],
        ),
        "A2": agreement(
            "A2",
            [rwanda],
            signed_on=datetime.date(2025, 5, 10),
            value="50000",
            currency="CHF",
            contribution="cash",
            owner=other_owner,
            category="member_state",
            regions=["AFR", "EUR"],
            areas=["enabling_environment"],
        ),
        # No owner of its own: Bea's won opportunity links it, so it counts for her.
        "A3": agreement(
            "A3",
            [fondation],
            signed_on=datetime.date(2025, 7, 1),
            value="30000",
            currency="USD",
            contribution="in_kind",
            category="foundation",
            regions=["ASP"],
            areas=["capacity_building"],
        ),
        "A4": agreement(
            "A4",
            [oldco],
            signed_on=datetime.date(2023, 1, 1),
            value="999",
            currency="USD",
            contribution="cash",
            category="sector_member",
        ),
        # An addendum: its value counts, it is not a new agreement.
        "A5": agreement(
            "A5",
            [oldco],
            signed_on=datetime.date(2025, 2, 1),
            value="5000",
            currency="USD",
            contribution="cash",
            type="addendum",
            owner=owner,
            category="sector_member",
        ),
        # A draft, and next year's: neither counts for 2025.
        "A6": agreement(
            "A6",
            [orbit],
            signed_on=datetime.date(2025, 9, 1),
            value="1000000",
            currency="USD",
            contribution="cash",
            status="draft",
            owner=owner,
        ),
        "A7": agreement(
            "A7",
            [orbit],
            signed_on=datetime.date(2026, 1, 5),
            value="7000",
            currency="USD",
            contribution="cash",
            owner=owner,
        ),
    }
    CoFinancing.objects.create(agreement=made["A2"], bureau_contribution=D("20000"))

    won_a3 = opportunity(
        prospect_for(fondation),
        owner,
        stage="negotiation",
        value="30000",
        areas=["capacity_building"],
        regions=["ASP"],
    )
    services.move(won_a3, "won", agreement=made["A3"], today=datetime.date(2025, 7, 2))

    event = make_event(site_tree()[1], title="Regional Forum", acronym="RF-25", region="GLO")
    make_terms(event)
    package = make_package(event, title="Lunch", price="50000.00", capacity=5)
    nimbus_user, nimbus = make_sponsor("pay@nimbus.example", name="Nimbus")
    pledge = paid_pledge(package, (nimbus_user, nimbus), paid_at=at(2025, 4, 2))
    paid_pledge(package, make_sponsor(name="Early"), paid_at=at(2024, 12, 30))  # last year
    from tests.factories import pledge_for

    pledge_for(make_sponsor(name="Unpaid"), package)  # held, never paid
    won_pledge = opportunity(
        Prospect.objects.create(organisation=nimbus),
        other_owner,
        stage="proposal",
        value="50000",
        currency="CHF",
        areas=["enabling_environment"],
        regions=["AFR"],
        purpose="event",
        event=event,
        purpose_detail="",
    )
    services.move(won_pledge, "won", pledge=pledge, today=datetime.date(2025, 4, 3))
    made.update(event=event, pledge=pledge)
    return made


def test_bureau_value_mobilised_adds_register_and_pledges_per_currency(register):
    values = kpis.value_mobilised(2025)
    # Cash: A1 100,000 + A5 5,000 (USD); A2 50,000 + the paid pledge 50,000 (CHF).
    assert values["cash"] == {"CHF": D("100000.00"), "USD": D("105000.00")}
    assert values["in_kind"] == {"USD": D("30000.00")}  # A3


def test_new_agreements_leave_out_addenda_drafts_and_other_years(register):
    assert kpis.new_agreements(2025) == 3  # A1, A2, A3


def test_new_partners_are_those_whose_first_agreement_is_this_year(register):
    # Orbit (its draft does not count), Rwanda, Fondation; OldCo's first was in 2023.
    assert kpis.new_partners(2025) == 3
    assert kpis.new_partners(2023) == 1


def test_a_business_owner_gets_own_agreements_and_what_their_won_opportunities_link(
    register, owner, other_owner
):
    bea, carl = Scope(owner=owner), Scope(owner=other_owner)
    assert kpis.value_mobilised(2025, bea) == {
        "cash": {"USD": D("105000.00")},  # A1 + A5
        "in_kind": {"USD": D("30000.00")},  # A3 through her won opportunity
    }
    assert kpis.new_agreements(2025, bea) == 2
    assert kpis.new_partners(2025, bea) == 2  # Orbit, Fondation
    assert kpis.value_mobilised(2025, carl)["cash"] == {"CHF": D("100000.00")}  # A2 + pledge
    assert kpis.sponsorship_revenue(2025, carl) == {"CHF": D("50000.00")}
    assert kpis.sponsorship_revenue(2025, bea) == {}


def test_area_and_region_scopes(register):
    assert kpis.value_mobilised(2025, Scope(area="enabling_environment"))["cash"] == {
        "CHF": D("100000.00")  # A2 and the pledge whose opportunity is in that area
    }
    assert kpis.value_mobilised(2025, Scope(region="EUR"))["cash"] == {"CHF": D("50000.00")}
    assert kpis.value_mobilised(2025, Scope(region="AFR"))["cash"] == {
        "CHF": D("100000.00"),
        "USD": D("105000.00"),
    }


def test_co_financing_split_and_value_by_partner_category(register):
    lines = {line.currency: line for line in kpis.co_financing(2025)}
    assert (lines["CHF"].partner, lines["CHF"].bureau) == (D("50000.00"), D("20000.00"))
    assert lines["CHF"].bureau_share == D("28.6")
    assert (lines["USD"].partner, lines["USD"].bureau) == (D("135000.00"), D("0.00"))
    categories = {line.category: line for line in kpis.by_partner_category(2025)}
    assert categories["private_sector"].agreements == 1
    assert categories["private_sector"].values == {"USD": D("100000.00")}
    assert categories["sector_member"].agreements == 0  # an addendum only
    assert categories["sector_member"].values == {"USD": D("5000.00")}
    assert categories["member_state"].values == {"CHF": D("50000.00")}


def test_targets_are_measured_against_their_actuals(register, owner):
    Target.objects.create(
        year=2025, scope="bureau", metric="cash", currency="USD", amount=D("200000")
    )
    Target.objects.create(
        year=2025, scope="owner", business_owner=owner, metric="new_agreements", amount=D("4")
    )
    Target.objects.create(
        year=2025, scope="region", region="EUR", metric="cash", currency="CHF", amount=D("40000")
    )
    Target.objects.create(
        year=2025,
        scope="bureau",
        metric="sponsorship",
        currency="CHF",
        event=register["event"],
        amount=D("100000"),
    )
    bureau = kpis.kpi_report(2025)
    found = {
        (line.scope_label, line.metric, line.currency, line.event): line for line in bureau.lines
    }
    cash = found[("The bureau", "cash", "USD", "")]
    assert (cash.target, cash.actual, cash.achieved) == (D("200000"), D("105000.00"), D("52.5"))
    eur = found[("Europe", "cash", "CHF", "")]
    assert (eur.actual, eur.achieved) == (D("50000.00"), D("125.0"))
    lunch = found[("The bureau", "sponsorship", "CHF", "Regional Forum")]
    assert (lunch.actual, lunch.achieved) == (D("50000.00"), D("50.0"))
    # The bureau's actuals without a target are listed too, and the owner's target is not.
    assert found[("The bureau", "cash", "CHF", "")].target is None
    assert found[("The bureau", "new_partners", "", "")].actual == 3
    assert not any(line.metric == "new_agreements" and line.target for line in bureau.lines)

    mine = kpis.kpi_report(2025, owner)
    target = next(line for line in mine.lines if line.metric == "new_agreements")
    assert (target.target, target.actual, target.achieved) == (D("4"), D("2"), D("50.0"))
    assert mine.won_count == 1 and mine.won_values == {"USD": D("30000.00")}


def test_a_pledge_already_in_the_register_is_counted_once(register):
    """An executed sponsorship agreement enters the register with the pledge's value; the
    pledge itself then no longer adds to value mobilised (sponsorship revenue keeps it)."""
    from marketplace.agreements.models import Agreement as SponsorshipAgreement

    entry = agreement(
        "AGR-2025-00001",
        [partner("Nimbus")],
        signed_on=datetime.date(2025, 4, 5),
        value="50000",
        currency="CHF",
        contribution="cash",
        type="sponsorship",
    )
    SponsorshipAgreement.objects.create(
        pledge=register["pledge"], number="AGR-2025-00001", version=1, register_entry=entry
    )
    assert kpis.value_mobilised(2025)["cash"]["CHF"] == D("100000.00")  # A2 + entry, not + pledge
    assert kpis.sponsorship_revenue(2025) == {"CHF": D("50000.00")}
