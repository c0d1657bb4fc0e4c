"""The role dashboards on the admin's home page: approvers see what waits for their decision,
organisers what their events need (scoped to their events), each panel with a count, the first
few items, a link to the filtered listing, and an empty state saying what will appear. Their
query count does not grow with the number of pledges."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.editorial import APPROVERS, ORGANISERS, ensure_editorial_setup, ensure_scope_permissions
from events.models import EventOrganiser
from marketplace.core.roles import ensure_roles
from marketplace.pledges.models import Pledge
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for


def _panel(html, name):
    pattern = rf'<section class="w-panel role-panel"[^>]*data-panel="{name}"[^>]*>(.*?)</section>'
    match = re.search(pattern, html, re.S)
    assert match, f"no {name} panel"
    return match.group(1)


def _count(panel_html) -> int:
    return int(re.search(r'data-count="(\d+)"', panel_html).group(1))


@pytest.fixture
def staff(tree):
    ensure_editorial_setup(tree[1])
    ensure_scope_permissions()
    ensure_roles()

    def make(email, group):
        user = get_user_model().objects.create_user(email, email, "pw", first_name=email[:4])
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def test_the_approver_clears_a_queue_from_the_dashboard(client, staff, event):
    approver = staff("amadou@example.org", APPROVERS)
    dinner = make_package(event, title="Networking dinner", capacity=3, requires_approval=True)
    client.force_login(approver)
    empty = client.get("/admin/").content.decode()
    panel = _panel(empty, "pledges-awaiting-decision")
    assert _count(panel) == 0 and "No pledge waits for a decision." in panel

    pledges = [pledge_for(make_sponsor(name=f"Sponsor {n}"), dinner) for n in range(2)]
    assert {p.status for p in pledges} == {"awaiting_approval"}
    html = client.get("/admin/").content.decode()
    panel = _panel(html, "pledges-awaiting-decision")
    assert _count(panel) == 2
    assert pledges[0].reference in panel and "/admin/pledges/?status=awaiting_approval" in panel
    for name in ("organisations-awaiting-clearance", "agreements-to-countersign",
                 "packages-awaiting-decision"):  # fmt: skip
        assert name in html
    assert "sponsorship-raised" not in html  # an approver is not an organiser


def test_organiser_panels_show_their_events_only(client, staff, tree, event, package, sponsor):
    event.sponsorship_target = Decimal("100000")
    event.save_revision().publish()
    other = make_event(tree[1], title="Regional Forum", acronym="RF-26")
    make_terms(other)
    organiser = staff("olivia@example.org", ORGANISERS)
    EventOrganiser.objects.create(event=event, user=organiser)
    paid = pledge_for(sponsor, package)
    Pledge.objects.filter(pk=paid.pk).update(status="paid")
    held = pledge_for(make_sponsor(name="Held Co"), package)
    Pledge.objects.filter(pk=held.pk).update(
        expires_at=timezone.now() + datetime.timedelta(hours=5)
    )
    elsewhere = pledge_for(make_sponsor(name="Elsewhere"), make_package(other, title="Lunch"))

    client.force_login(organiser)
    html = client.get("/admin/").content.decode()
    raised = _panel(html, "sponsorship-raised")
    assert _count(raised) == 1 and event.acronym in raised and "RF-26" not in raised
    assert "CHF\u00a05,000 raised of CHF\u00a0100,000 (5 %)" in raised  # no-break spaces
    holds = _panel(html, "holds-ending")
    assert held.reference in holds and elsewhere.reference not in holds
    assert "No coming event" not in raised
    assert "Nothing missing." in _panel(html, "assets-missing")  # no task yet: empty state
    assert "Nothing due in the next 7 days." in _panel(html, "tasks-due")
    assert "pledges-awaiting-decision" not in html  # organisers do not decide


def test_dashboard_query_count_does_not_grow_with_pledges(client, staff, event, package):
    superuser = get_user_model().objects.create_superuser(
        "root@example.org", "root@example.org", "pw"
    )
    EventOrganiser.objects.create(event=event, user=superuser)
    package.capacity = None
    package.max_per_sponsor = 5
    package.save_revision().publish()
    client.force_login(superuser)
    pledge_for(make_sponsor(name="First"), package)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    for n in range(6):
        pledge_for(make_sponsor(name=f"More {n}"), package)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/admin/").content.decode()
    assert _count(_panel(html, "pledges-awaiting-decision")) == 0
    assert len(many) == len(few)
