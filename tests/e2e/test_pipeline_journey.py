"""A business owner opens her KPIs (nothing mobilised yet against her target), moves her
opportunity to won on the pipeline board by linking the agreement just signed, and sees the
KPI move."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from register.pipeline.models import Opportunity, Target
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.pipeline.conftest import agreement, make_owner, opportunity, partner, prospect_for


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_business_owner_moves_an_opportunity_to_won_and_sees_the_kpi_move(live_server):
    today = timezone.localdate()
    bea = make_owner("bea@example.org", "Bea", last_name="Owner")
    bea.set_password("owner-pass-123")
    bea.save()
    orbit = partner("Orbit Networks")
    rwanda = partner("Republic of Rwanda", "member_state")
    agreement(
        "R-2018",
        [rwanda],
        signed_on=datetime.date(2018, 3, 1),
        regions=["AFR"],
        areas=["enabling_environment"],
    )
    signed = agreement(
        f"BDT/{today.year}/042",
        [orbit],
        signed_on=today,
        value="80000",
        currency="USD",
        contribution="cash",
        regions=["AFR"],
        areas=["enabling_environment"],
    )
    opp = opportunity(
        prospect_for(orbit),
        bea,
        stage="negotiation",
        value="80000",
        title="Broadband for rural schools",
        expected_on=today,
    )
    opportunity(
        prospect_for("Nordic Digital Fund"),
        bea,
        stage="contacted",
        value="45000",
        currency="EUR",
        title="E-waste pilot",
        regions=["EUR"],
        areas=["climate_change_ewaste"],
    )
    Target.objects.create(
        year=today.year,
        scope="owner",
        business_owner=bea,
        metric="cash",
        currency="USD",
        amount=Decimal("160000"),
    )

    with chromium_page(width=1400, height=1000) as page:
        sign_in_to_admin(page, live_server.url, "bea@example.org", "owner-pass-123")

        page.goto(f"{live_server.url}/admin/pipeline/kpis/owner/{bea.pk}/")
        cash = page.locator("#kpi-lines tr[data-metric='cash'][data-currency='USD']")
        assert cash.locator(".actual").inner_text() == "0"
        screenshot(page, "pipeline-01-kpis-before")

        page.get_by_role("link", name="Pipeline board").first.click()
        page.wait_for_url("**/admin/pipeline/**")
        card = page.locator(f"li[data-opportunity='{opp.pk}']")
        assert "USD 80,000" in card.inner_text()
        assert (
            page.locator("section[data-stage='negotiation']")
            .locator(f"li[data-opportunity='{opp.pk}']")
            .count()
            == 1
        )
        screenshot(page, "pipeline-02-board")

        card.get_by_role("link", name=re.compile("^Move")).click()
        page.wait_for_url(f"**/admin/pipeline/opportunity/{opp.pk}/move/")
        page.get_by_label("Move to").select_option("won")
        page.get_by_role("button", name="Move").click()  # no agreement yet: refused
        page.wait_for_load_state()
        screenshot(page, "pipeline-03-move-refused")
        assert page.get_by_text("Link the agreement signed or the pledge paid").is_visible()
        screenshot(page, "pipeline-03-move-refused")
        page.get_by_label("Resulting agreement (for won)").select_option(str(signed.pk))
        page.get_by_label("Why (kept in the history)").fill("Signed at the regional forum.")
        page.get_by_role("button", name="Move").click()
        page.wait_for_url("**/admin/pipeline/?owner=*")
        assert "moved to Won" in page.locator(".messages").inner_text()
        assert (
            page.locator("section[data-stage='won']")
            .locator(f"li[data-opportunity='{opp.pk}']")
            .count()
            == 1
        )
        screenshot(page, "pipeline-04-board-won")

        page.locator(f"li[data-opportunity='{opp.pk}'] a.card-title").click()
        page.wait_for_url(f"**/admin/pipeline/opportunity/{opp.pk}/")
        assert page.get_by_role("heading", name="Partners to approach").is_visible()
        assert page.get_by_role("link", name="Republic of Rwanda").is_visible()
        assert "Signed at the regional forum." in page.locator("table").last.inner_text() or (
            "Signed at the regional forum." in page.content()
        )
        screenshot(page, "pipeline-05-opportunity")

        page.goto(f"{live_server.url}/admin/pipeline/kpis/owner/{bea.pk}/")
        cash = page.locator("#kpi-lines tr[data-metric='cash'][data-currency='USD']")
        assert cash.locator(".actual").inner_text() == "80,000"
        assert "50.0 %" in cash.inner_text()
        screenshot(page, "pipeline-06-kpis-after")

    assert Opportunity.objects.get(pk=opp.pk).agreement_id == signed.pk
