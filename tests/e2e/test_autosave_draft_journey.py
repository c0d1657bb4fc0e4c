"""An organiser starts a package, Wagtail's autosave makes it a draft, and a second "Add
package" with the same title continues that draft instead of failing on "slug already in use"."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from events.editorial import ORGANISERS, ensure_editorial_setup
from events.models import EventOrganiser, SponsorshipPackagePage
from marketplace.core.roles import ensure_roles
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import make_event, site_tree

PASSWORD = "a-long-staff-passphrase"
# Wagtail's unsaved-changes watcher reads the form's first state two seconds after loading;
# what is typed before that counts as the form's initial content and is never autosaved.
WATCHER_READY_MS = 2500


def _start_package(page, add_url, title, price):
    page.goto(add_url)
    page.wait_for_timeout(WATCHER_READY_MS)
    page.get_by_label(re.compile("^Title")).first.press_sequentially(title, delay=10)
    page.get_by_label("Category").select_option(label="Headline tier")
    page.get_by_label("Price").fill(price)
    page.keyboard.press("Tab")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_add_package_continues_the_autosaved_draft(live_server):
    _home, index = site_tree()
    ensure_editorial_setup(index)
    ensure_roles()
    event = make_event(index, title="Global Symposium for Regulators", acronym="GSR-26")
    organiser = get_user_model().objects.create_user(
        "olivia@example.org", "olivia@example.org", PASSWORD, first_name="Olivia"
    )
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    EventOrganiser.objects.create(event=event, user=organiser)
    add_url = f"{live_server.url}/admin/pages/add/events/sponsorshippackagepage/{event.pk}/"

    with chromium_page() as page:
        sign_in_to_admin(page, live_server.url, "olivia@example.org", PASSWORD)
        # The first form: autosave creates the draft as soon as the form validates.
        with page.expect_response(lambda r: "_w_hydrate_create_view" in r.url, timeout=20000):
            _start_package(page, add_url, "Gold partner", "1000")
        draft = SponsorshipPackagePage.objects.get(slug="gold-partner")
        assert not draft.live

        # Thinking it lost, the organiser starts again under the same title; this form's
        # autosave pauses and says why instead of creating a twin.
        with page.expect_response(
            lambda r: r.url.startswith(add_url) and r.status == 400, timeout=20000
        ) as paused:
            _start_package(page, add_url, "Gold partner", "75000")
        assert paused.value.json()["error_code"] == "own_draft_exists"
        page.get_by_role("button", name="Save draft").click()

        page.wait_for_url(re.compile(rf"/admin/pages/{draft.pk}/edit/"))
        status = page.get_by_role("status").or_(page.locator(".messages")).first
        assert "saved to it" in status.inner_text()
        assert "already in use" not in page.content()
        screenshot(page, "autosave-draft-continued")

    assert SponsorshipPackagePage.objects.filter(slug="gold-partner").count() == 1
    latest = SponsorshipPackagePage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert latest.price == 75000
