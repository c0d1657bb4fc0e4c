"""Browser journeys: a visitor reads the open-data page; an officer reads an import's error
report and an event's partners to approach (issue 13 items 1, 2, 7; issue 9 item 9)."""

import pytest

from register.access import PARTNERSHIP_OFFICERS
from register.demo import load_demo_register
from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import make_event
from tests.register.conftest import csv_text, make_user, row
from tests.register.test_browser import signed_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_reads_the_open_data_page_and_downloads_its_figures(live_server):
    load_demo_register()
    with chromium_page(width=1280, height=900) as page:
        page.goto(live_server.url + "/partnerships/open-data/")
        assert page.get_by_role(
            "heading", name="Partnership agreements: open data", level=1
        ).is_visible()
        assert page.locator("svg.chart[role=img]").count() == 4
        regions = page.get_by_role("table", name="New agreements by beneficiary region")
        africa = regions.get_by_role("row", name="Africa")
        assert africa.locator("td").all_inner_texts() == ["16.5", "3", "5", "4", "28.5"]
        csv_link = page.get_by_role("link", name="All figures as CSV")
        response = page.request.get(live_server.url + csv_link.get_attribute("href"))
        assert response.ok and response.text().startswith("dimension,year,code,label,value")
        assert "BDT/2015/001" not in page.content()
        screenshot(page, "register-open-data")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_reads_the_import_error_report(live_server, tmp_path):
    officer = make_user("officer@example.org", PARTNERSHIP_OFFICERS, is_staff=True)
    rows = [row(reference="OK-1")]
    rows += [row(reference=f"BAD-{i}", signed_on="2099-01-01") for i in range(210)]
    rows.append(row(reference="ADD-1", agreement_type="addendum", amends="NOWHERE"))
    path = tmp_path / "agreements.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with chromium_page(width=1280, height=900) as page:
        signed_in(page, live_server, officer)
        page.goto(live_server.url + "/admin/partnerships/import/")
        page.get_by_label("CSV file").set_input_files(str(path))
        page.get_by_role("button", name="Upload").click()
        alert = page.get_by_role("alert").filter(has_text="nothing was imported")
        assert "211 errors: nothing was imported." in alert.inner_text()
        assert alert.locator("li").count() == 200
        assert "and 11 more" in alert.inner_text()
        assert "line 3: signed_on: 2099-01-01 is in the future" in alert.inner_text()
        screenshot(page, "register-import-errors")
        alert.get_by_text("and 11 more").scroll_into_view_if_needed()
        screenshot(page, "register-import-errors-end")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_sees_the_partners_to_approach_for_an_event(live_server):
    load_demo_register()
    event = make_event(region="AFR", title="Regional Regulators Forum for Africa")
    officer = make_user("officer@example.org", PARTNERSHIP_OFFICERS, is_staff=True)
    officer.is_superuser = True  # to open the event's edit view in the admin
    officer.save()
    with chromium_page(width=1280, height=900) as page:
        signed_in(page, live_server, officer)
        page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
        # The header's "more" menu of the event's edit view holds the link.
        page.locator("header").get_by_role("button", name="Actions").click()
        page.get_by_role("link", name="Partners to approach").click()
        page.wait_for_url("**/admin/partnerships/events/*/partners/")
        page.get_by_role("checkbox", name="Enabling Environment").check()
        page.get_by_role("button", name="Show partners").click()
        page.wait_for_url("**area=enabling_environment*")
        table = page.get_by_role("table")
        first = table.locator("tbody tr").first.locator("td").all_inner_texts()
        assert "in Africa on enabling environment" in first[2]
        screenshot(page, "register-event-partners")
