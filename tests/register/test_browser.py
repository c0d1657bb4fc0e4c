"""A partnership officer opens the charts page and the search tool in Chromium."""

import re

import pytest
from django.conf import settings
from django.test import Client

from register.access import PARTNERSHIP_OFFICERS
from register.demo import load_demo_register
from tests.e2e.helpers import chromium_page, screenshot
from tests.register.conftest import make_user


def signed_in(page, live_server, user):
    """Reuse a session made by Django's test client (no login form needed)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_reads_the_charts_and_downloads_their_figures(live_server):
    load_demo_register()
    officer = make_user("officer@example.org", PARTNERSHIP_OFFICERS)
    with chromium_page(width=1280, height=900) as page:
        signed_in(page, live_server, officer)
        page.goto(live_server.url + "/partnerships/charts/")
        assert page.get_by_role("heading", name="Agreements signed, by year").is_visible()
        charts = page.locator("svg.chart[role=img]")
        assert charts.count() == 4
        assert page.locator("svg.chart title").first.text_content() == (
            "New agreements by beneficiary region"
        )
        regions = page.get_by_role("table", name="New agreements by beneficiary region")
        africa = regions.get_by_role("row", name="Africa")
        assert africa.locator("td").all_inner_texts() == ["16.5", "3", "5", "4", "28.5"]
        assert regions.locator("tfoot td").last.inner_text() == "200"
        download = page.get_by_role(
            "link", name="Download “New agreements by area of action” as CSV"
        )
        response = page.request.get(live_server.url + download.get_attribute("href"))
        assert response.ok
        assert response.text().splitlines()[1] == "2015,34,7,1,1,7,3,6,8,1,0,0,68"
        screenshot(page, "register-charts")
        values = page.get_by_role("table", name=re.compile("Value of agreements per year"))
        values.scroll_into_view_if_needed()
        # The seed's "estimated value of USD 10.9 million" for 2018, in the reporting column.
        assert (
            values.get_by_role("row", name=re.compile("^2018")).locator("td").last.inner_text()
            == "10,900,000"
        )
        screenshot(page, "register-values-in-usd")

        page.get_by_role("link", name="Search agreements and partners").click()
        page.get_by_role("checkbox", name="Africa").check()
        page.get_by_role("checkbox", name="Capacity Building").check()
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/partnerships/?*region=AFR*")
        assert page.get_by_role("heading", name="Partners to approach").is_visible()
        heading = page.locator("#results-heading").inner_text()
        assert heading.endswith("agreements") and not heading.startswith("0 ")
        screenshot(page, "register-search")
