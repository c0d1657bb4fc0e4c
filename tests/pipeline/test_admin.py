"""The resource-mobilisation screens: who sees them, the board, an opportunity's page with its
partners to approach, the move form, the KPI pages and their exports, the snippets."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from marketplace.core.roles import ensure_roles
from register import facets
from register.pipeline.models import Opportunity, Target
from tests.pipeline.conftest import agreement, make_owner, opportunity, partner, prospect_for


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
        regions=["AFR"],
        areas=["enabling_environment"],
    )


@pytest.fixture
def bea(client, owner):
    client.force_login(owner)
    return client


def test_staff_without_the_pipeline_permissions_are_turned_away_and_see_no_menu(
    client, db, orbit, owner
):
    opp = opportunity(prospect_for(orbit), owner)
    plain = make_owner("plain@example.org")
    plain.groups.clear()
    from django.contrib.auth.models import Permission

    plain.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(plain)
    for name, args in [
        ("board", []),
        ("opportunity", [opp.pk]),
        ("move", [opp.pk]),
        ("kpis", []),
        ("kpis-export", ["csv"]),
    ]:
        response = client.get(reverse(f"pipeline_admin:{name}", args=args))
        # Wagtail turns PermissionDenied on admin URLs into a redirect to the dashboard.
        assert (response.status_code, response.get("Location")) in ((403, None), (302, "/admin/"))
    assert "Resource mobilisation" not in client.get("/admin/").content.decode()


def test_ensure_roles_gives_partnership_officers_the_pipeline(db):
    ensure_roles()
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="Partnership officers").permissions.values_list(
            "codename", flat=True
        )
    )
    assert {
        "change_opportunity",
        "view_target",
        "add_interaction",
        "view_opportunitymove",
    } <= codenames
    assert "delete_opportunitymove" not in codenames


def test_the_board_shows_the_owners_cards_by_stage_with_the_weighted_total(
    bea, orbit, owner, other_owner
):
    opportunity(prospect_for(orbit), owner, stage="proposal", value="100000", title="Schools")
    opportunity(prospect_for(orbit), other_owner, stage="proposal", title="Someone else's")
    page = bea.get(reverse("pipeline_admin:board")).content.decode()
    assert "Schools" in page and "Someone else&#x27;s" not in page  # her own by default
    assert "USD 100,000" in page
    assert "50,000" in page  # weighted: 100,000 × 50 %
    assert '"label": "Resource mobilisation"' in page  # the admin menu the board sits in
    everyone = bea.get(reverse("pipeline_admin:board") + "?owner=").content.decode()
    assert "Someone else&#x27;s" in everyone


def test_the_board_says_when_a_filter_is_wrong(bea, orbit, owner):
    response = bea.get(reverse("pipeline_admin:board") + "?region=XXX")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_opportunity_page_lists_partners_to_approach_and_the_history(bea, orbit, owner, signed):
    rwanda = partner("Republic of Rwanda", "member_state")
    agreement(
        "R-1",
        [rwanda],
        signed_on=datetime.date(2018, 1, 1),
        regions=["AFR"],
        areas=["enabling_environment"],
    )
    newcomer = prospect_for("Fondation Lumière")
    opp = opportunity(newcomer, owner, regions=["AFR"], areas=["enabling_environment"])
    page = bea.get(reverse("pipeline_admin:opportunity", args=[opp.pk])).content.decode()
    assert "Partners to approach" in page
    assert "Republic of Rwanda" in page and "Orbit Networks" in page
    assert "Opportunity recorded." in page


def test_moving_a_card_to_won_with_the_agreement(bea, orbit, owner, signed):
    opp = opportunity(prospect_for(orbit), owner, stage="negotiation")
    url = reverse("pipeline_admin:move", args=[opp.pk])
    form = bea.get(url).content.decode()
    assert "BDT/2026/001" in form
    refused = bea.post(url, {"stage": "won", "reason": "signed"})
    assert refused.status_code == 200
    assert "Link the agreement signed or the pledge paid" in refused.content.decode()
    assert Opportunity.objects.get(pk=opp.pk).stage == "negotiation"
    response = bea.post(url, {"stage": "won", "agreement": signed.pk, "reason": "signed"})
    assert response.status_code == 302
    opp.refresh_from_db()
    assert (opp.stage, opp.agreement) == ("won", signed)
    assert opp.history.last().actor == owner


def test_a_move_to_an_unknown_pledge_or_forbidden_stage_is_refused(bea, orbit, owner):
    opp = opportunity(prospect_for(orbit), owner, stage="identified")
    url = reverse("pipeline_admin:move", args=[opp.pk])
    page = bea.post(url, {"stage": "won", "pledge_reference": "PLG-0"}).content.decode()
    assert "Select a valid choice" in page  # won is not a move from identified
    assert "No pledge has the reference PLG-0" in page
    assert Opportunity.objects.get(pk=opp.pk).stage == "identified"


def test_the_kpi_pages_show_targets_charts_and_tables(bea, orbit, owner, signed):
    signed.business_owner = owner
    signed.save()
    facets.refresh([signed.pk])  # what the register's services do on every save
    Target.objects.create(
        year=2026, scope="owner", business_owner=owner, metric="cash", currency="USD", amount=160000
    )
    mine = bea.get(reverse("pipeline_admin:owner-kpis", args=[owner.pk]) + "?year=2026")
    page = mine.content.decode()
    assert "KPIs of Bea Owner" in page
    assert "<svg" in page and 'role="img"' in page
    assert "50.0 %" in page  # 80,000 of 160,000
    bureau = bea.get(reverse("pipeline_admin:kpis") + "?year=2026").content.decode()
    assert "Bureau KPIs" in bureau and "80,000" in bureau
    bad = bea.get(reverse("pipeline_admin:kpis") + "?year=1800").content.decode()
    assert "That year cannot be used" in bad


def test_kpi_exports_are_csv_and_xlsx_with_formulas_neutralised(bea, owner, db):
    evil = partner('=HYPERLINK("http://x")', "private_sector")
    agreement(
        "E-1",
        [evil],
        signed_on=datetime.date(2026, 2, 1),
        value="1000",
        currency="USD",
        contribution="cash",
        owner=owner,
    )
    opp = opportunity(prospect_for(evil), owner, stage="proposal", value="500")
    del opp
    Target.objects.create(year=2026, scope="bureau", metric="new_agreements", amount=2)
    response = bea.get(reverse("pipeline_admin:kpis-export", args=["csv"]) + "?year=2026")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert ["The bureau", "New agreements", "", "", "2", "1", "50.0"] in rows
    assert ["USD", "1", "500.00", "250.00"] in rows  # open pipeline
    response = bea.get(
        reverse("pipeline_admin:owner-kpis-export", args=[owner.pk, "xlsx"]) + "?year=2026"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c.value for row in workbook.active.iter_rows() for c in row if c.value is not None]
    assert 1000 in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_an_opportunity_created_in_the_admin_starts_its_history(bea, orbit, owner):
    prospect = prospect_for(orbit)
    response = bea.post(
        reverse("wagtailsnippets_pipeline_opportunity:add"),
        {
            "title": "Rural broadband",
            "prospect": prospect.pk,
            "stage": "contacted",
            "probability": 10,
            "expected_value": "25000",
            "currency": "usd",
            "business_owner": owner.pk,
            "regions": ["AFR", "ASP"],
            "areas": ["infrastructure"],
            "purpose": "regional_initiative",
            "purpose_detail": "Connect a Million Minds",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Opportunity.objects.get(title="Rural broadband")
    assert (created.stage, created.probability, created.currency) == ("contacted", 25, "USD")
    assert created.region_codes == ["AFR", "ASP"]
    assert list(created.history.values_list("from_state", "to_state")) == [("", "contacted")]


def test_a_new_prospect_needs_its_country_and_category(bea):
    response = bea.post(reverse("wagtailsnippets_pipeline_prospect:add"), {"name": "New Org"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give the country of a new organisation." in page


def test_a_new_organisation_links_its_agreement_by_reference(bea, owner, db):
    newcomer = partner("Fondation Lumière", "foundation")
    signed = agreement("BDT/2026/077", [newcomer], signed_on=datetime.date(2026, 4, 1))
    opp = opportunity(prospect_for("Fondation Lumière (new)"), owner, stage="proposal")
    url = reverse("pipeline_admin:move", args=[opp.pk])
    assert 'name="agreement"' not in bea.get(url).content.decode()  # no list of every agreement
    unknown = bea.post(url, {"stage": "won", "agreement_reference": "BDT/2026/999"})
    assert "No agreement in the register has the reference BDT/2026/999" in unknown.content.decode()
    response = bea.post(url, {"stage": "won", "agreement_reference": " bdt/2026/077 "})
    assert response.status_code == 302
    assert Opportunity.objects.get(pk=opp.pk).agreement == signed
