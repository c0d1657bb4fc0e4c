"""A superuser names an event's organiser on its "Team" tab; that organiser then sees the
event's pledges in the admin, and not another event's."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from events.editorial import ORGANISERS, ensure_editorial_setup
from events.models import EventOrganiser
from marketplace.pledges.permissions import ensure_pledge_permissions
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)


def _sign_in(page, base_url, email, password):
    sign_in_to_admin(page, base_url, email, password)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_event_team_decides_who_sees_its_pledges(live_server):
    index = site_tree()[1]
    ensure_editorial_setup(index)
    ensure_pledge_permissions()
    gsr = make_event(index, title="Global Symposium for Regulators", acronym="GSR-26")
    forum = make_event(index, title="Regional Forum for Africa", acronym="RF-26", slug="forum")
    for event in (gsr, forum):
        make_terms(event)
    sponsor = make_sponsor(name="Savanna Telecom")
    here = pledge_for(sponsor, make_package(gsr, title="Lanyards", slug="lanyards"))
    elsewhere = pledge_for(sponsor, make_package(forum, title="Coffee break", slug="coffee"))
    users = get_user_model().objects
    users.create_superuser("ada@example.org", "ada@example.org", "admin-pass")
    olivia = users.create_user(
        "olivia@example.org", "olivia@example.org", "organiser-pass",
        first_name="Olivia", last_name="Okafor",
    )  # fmt: skip
    olivia.groups.add(Group.objects.get(name=ORGANISERS))

    with chromium_page() as page:
        _sign_in(page, live_server.url, "ada@example.org", "admin-pass")
        page.goto(f"{live_server.url}/admin/pages/{gsr.pk}/edit/")
        page.get_by_role("tab", name="Team").click()
        page.get_by_role("button", name="Add organiser").click()
        page.locator("#id_organisers-0-user").select_option(str(olivia.pk))
        screenshot(page, "event-team-01-team-tab")
        page.get_by_role("button", name="More actions").click()
        page.get_by_role("button", name="Publish").click()
        page.wait_for_url("**/admin/pages/**")

    assert list(EventOrganiser.objects.filter(event=gsr).values_list("user", flat=True)) == [
        olivia.pk
    ]

    with chromium_page() as page:
        _sign_in(page, live_server.url, "olivia@example.org", "organiser-pass")
        page.goto(live_server.url + "/admin/pledges/")
        assert page.get_by_text(here.reference).is_visible()
        assert page.get_by_text(elsewhere.reference).count() == 0
        screenshot(page, "event-team-02-organiser-pledges")
        response = page.goto(f"{live_server.url}/admin/pledges/inspect/{elsewhere.pk}/")
        assert response.status == 404
