"""A signed-in sponsor opens an event page: the catalogue (cached for everyone) and, below it,
their organisation's pledges for the event, which another sponsor does not see."""

import re

import pytest

from events.choices import PackageCategory
from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import (
    PASSWORD,
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)


def sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sponsor_sees_the_catalogue_and_their_own_pledges_for_the_event(live_server, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    _, index = site_tree()
    event = make_event(index, title="Global Symposium for Regulators", slug="gsr-26")
    make_terms(event)
    fellowships = make_package(
        event,
        title="Fellowships",
        slug="fellowships",
        capacity=20,
        max_per_sponsor=10,
        category=PackageCategory.FELLOWSHIP,
        price=4000,
    )
    make_package(event, title="Gold partner", slug="gold", capacity=3)
    acme = make_sponsor("admin@acme.example", name="Acme")
    borealis = make_sponsor("admin@borealis.example", name="Borealis")
    mine = pledge_for(acme, fellowships, quantity=2)
    theirs = pledge_for(borealis, fellowships, quantity=1)

    with chromium_page() as page:
        sign_in(page, live_server.url, "admin@acme.example")
        page.goto(live_server.url + event.url)
        card = page.locator(".package-card", has_text="Fellowships")
        assert card.locator("[data-availability]").inner_text() == "17 of 20 left"
        section = page.get_by_role("region", name="Pledges of Acme for this event")
        assert section.get_by_role("link", name=mine.reference).is_visible()
        assert theirs.reference not in page.content()
        assert page.get_by_role("link", name="My account").is_visible()
        screenshot(page, "event-page-own-pledges")

        section.get_by_role("link", name=mine.reference).click()
        page.wait_for_url(f"**/{mine.public_id}/")
        assert page.get_by_text(mine.reference).first.is_visible()

        page.context.clear_cookies()
        sign_in(page, live_server.url, "admin@borealis.example")
        page.goto(live_server.url + event.url)
        section = page.get_by_role("region", name="Pledges of Borealis for this event")
        assert section.get_by_role("link", name=theirs.reference).is_visible()
        assert mine.reference not in page.content()
