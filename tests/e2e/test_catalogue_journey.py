"""A visitor opens the home page, follows an event and reads a package's availability."""

from pathlib import Path

import pytest

from events.choices import PackageCategory
from tests.factories import make_event, make_package, site_tree

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visitor_follows_an_event_to_a_package_and_reads_availability(live_server, page):
    SCREENSHOTS.mkdir(exist_ok=True)
    _, index = site_tree()
    event = make_event(index, title="Global Symposium for Regulators", slug="gsr-26")
    make_package(event, title="Gold partner", slug="gold", capacity=3)
    make_package(
        event,
        title="Fellowships",
        slug="fellowships",
        capacity=20,
        max_per_sponsor=10,
        category=PackageCategory.FELLOWSHIP,
        price=4000,
    )

    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Upcoming events").is_visible()
    page.get_by_role("link", name="Global Symposium for Regulators").first.click()
    page.wait_for_url("**/events/gsr-26/")
    card = page.locator(".package-card", has_text="Fellowships")
    assert card.locator("[data-availability]").inner_text() == "20 of 20 left"
    page.screenshot(path=str(SCREENSHOTS / "catalogue-event.png"), full_page=True)

    card.get_by_role("link", name="Fellowships").click()
    page.wait_for_url("**/events/gsr-26/fellowships/")
    assert page.locator("[data-availability]").inner_text() == "20 of 20 left"
    assert page.get_by_role("heading", name="Benefits").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "catalogue-package.png"), full_page=True)

    # Keyboard users reach the main content first.
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
