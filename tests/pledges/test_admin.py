"""Approvers in the Wagtail admin: pledges listing with filters, search and a CSV export whose
cells cannot run as formulas; a pledge with its history and actions; versioned terms."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from events.editorial import APPROVERS, ORGANISERS, ensure_editorial_setup
from marketplace.pledges.models import EventTerms, Pledge
from marketplace.pledges.permissions import ensure_demo_terms, ensure_pledge_permissions
from sponsors.models import Clearance
from tests.factories import make_event, make_package, make_sponsor, pledge_for


@pytest.fixture
def approver(tree, client):
    """A sponsorship approver (sees every event, decides pledges), signed in."""
    from events.editorial import ensure_scope_permissions

    ensure_editorial_setup(tree[1])
    ensure_pledge_permissions()
    ensure_scope_permissions()
    user = get_user_model().objects.create_user("amadou@example.org", "amadou@example.org", "pw")
    user.groups.add(Group.objects.get(name=APPROVERS))
    client.force_login(user)
    return user


@pytest.fixture
def dinner(event):
    return make_package(event, title="Networking dinner", capacity=1, requires_approval=True)


def test_listing_filters_and_search(client, approver, package, sponsor, other_sponsor):
    held = pledge_for(sponsor, package)
    cancelled = pledge_for(other_sponsor, package)
    Pledge.objects.filter(pk=cancelled.pk).update(status="cancelled")

    html = client.get("/admin/pledges/").content.decode()
    assert held.reference in html and cancelled.reference in html
    html = client.get("/admin/pledges/?status=held").content.decode()
    assert held.reference in html and cancelled.reference not in html
    html = client.get(f"/admin/pledges/?organisation={other_sponsor[1].pk}").content.decode()
    assert held.reference not in html and cancelled.reference in html
    html = client.get("/admin/pledges/?q=Borealis").content.decode()
    assert held.reference not in html and cancelled.reference in html
    html = client.get(f"/admin/pledges/?q={held.reference}").content.decode()
    assert held.reference in html and cancelled.reference not in html


def test_listing_filters_by_event_and_package(client, approver, package, sponsor, tree):
    other_event = make_event(tree[1], title="Regional forum", acronym="RF-26")
    from tests.factories import make_terms

    make_terms(other_event)
    elsewhere = pledge_for(sponsor, make_package(other_event, title="Coffee"))
    here = pledge_for(sponsor, package)
    html = client.get(f"/admin/pledges/?event={package.event.pk}").content.decode()
    assert here.reference in html and elsewhere.reference not in html
    html = client.get(f"/admin/pledges/?package={elsewhere.package_id}").content.decode()
    assert here.reference not in html and elsewhere.reference in html


def test_csv_export_neutralises_formulas(client, approver, package):
    user, organisation = make_sponsor(name='=HYPERLINK("http://evil","x")')
    organisation.legal_name = "+cmd|' /C calc'!A0"
    organisation.save()
    pledge = pledge_for((user, organisation), package, quantity=2)
    response = client.get("/admin/pledges/?export=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pledges.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, row = rows[0], rows[1]
    assert header[:3] == ["Reference", "Sponsor", "Legal name"]
    record = dict(zip(header, row, strict=True))
    assert record["Reference"] == pledge.reference
    assert record["Sponsor"] == '\'=HYPERLINK("http://evil","x")'
    assert record["Legal name"] == "'+cmd|' /C calc'!A0"
    assert (record["Quantity"], record["Total"], record["Currency"]) == ("2", "10000.00", "CHF")
    assert not any(cell.startswith(("=", "+", "@")) for cell in row)


def test_inspect_shows_history_and_actions(client, approver, dinner, sponsor):
    pledge = pledge_for(sponsor, dinner)
    html = client.get(f"/admin/pledges/inspect/{pledge.pk}/").content.decode()
    assert "The package requires the organisers&#x27; approval." in html
    for action in ("approve", "reject", "extend", "cancel"):
        assert f"/admin/pledges/{action}/{pledge.pk}/" in html


def test_approve_from_the_admin_needs_clearance(client, approver, dinner, sponsor):
    pledge = pledge_for(sponsor, dinner)
    response = client.post(f"/admin/pledges/approve/{pledge.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert "has not been cleared in due diligence" in response.content.decode()
    assert Pledge.objects.get(pk=pledge.pk).status == "awaiting_approval"

    sponsor[1].clearance = Clearance.CLEARED
    sponsor[1].save()
    response = client.post(f"/admin/pledges/approve/{pledge.pk}/", {"reason": "OK"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "awaiting_payment"
    assert pledge.history.last().actor == approver


def test_reject_from_the_admin_requires_a_reason(client, approver, dinner, sponsor, mailoutbox):
    pledge = pledge_for(sponsor, dinner)
    response = client.post(f"/admin/pledges/reject/{pledge.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Pledge.objects.get(pk=pledge.pk).status == "awaiting_approval"
    response = client.post(f"/admin/pledges/reject/{pledge.pk}/", {"reason": "Sector excluded"})
    assert response.status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).status == "rejected"


def test_extend_and_cancel_from_the_admin(client, approver, package, sponsor):
    pledge = pledge_for(sponsor, package, payment_method="card")
    until = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post(
        f"/admin/pledges/extend/{pledge.pk}/",
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Waiting for a PO"},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.expires_at == until
    response = client.post(f"/admin/pledges/cancel/{pledge.pk}/", {"reason": "Duplicate"})
    assert response.status_code == 302
    assert Pledge.objects.get(pk=pledge.pk).status == "cancelled"


def test_sponsors_and_staff_without_the_permission_are_kept_out(client, tree, package, sponsor):
    pledge = pledge_for(sponsor, package)
    client.force_login(sponsor[0])
    assert client.get("/admin/pledges/").status_code == 302  # to the admin sign-in
    response = client.post(f"/admin/pledges/cancel/{pledge.pk}/", {"reason": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    finance = get_user_model().objects.create_user("fin@example.org", "fin@example.org", "pw")
    ensure_editorial_setup(tree[1])
    from events.editorial import admin_access

    finance.user_permissions.add(admin_access())
    client.force_login(finance)
    listing = client.get("/admin/pledges/")
    assert (listing.status_code, listing["Location"]) == (302, "/admin/")  # refused
    response = client.post(f"/admin/pledges/cancel/{pledge.pk}/", {"reason": "x"})
    assert (response.status_code, response.get("Location")) == (302, "/admin/")  # refused
    assert Pledge.objects.get(pk=pledge.pk).status == "held"


def test_only_approvers_may_decide_pledges(tree):
    ensure_editorial_setup(tree[1])
    ensure_pledge_permissions()
    ensure_pledge_permissions()  # idempotent

    def codes(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert {"view_pledge", "change_eventterms"} <= codes(ORGANISERS)
    assert "decide_pledge" not in codes(ORGANISERS)
    assert {"view_pledge", "decide_pledge", "change_eventterms"} <= codes(APPROVERS)
    assert "delete_pledge" not in codes(ORGANISERS) | codes(APPROVERS)


def test_saving_terms_in_the_admin_publishes_a_new_version(client, approver, event):
    assert EventTerms.objects.get(event=event).version == 1
    first = EventTerms.objects.get(event=event)
    response = client.post(
        f"/admin/event-terms/edit/{first.pk}/", {"event": event.pk, "text": "New wording."}
    )
    assert response.status_code == 302
    versions = list(EventTerms.objects.filter(event=event).order_by("version"))
    assert [(t.version, t.text) for t in versions] == [
        (1, first.text),
        (2, "New wording."),
    ]
    assert versions[1].published_by == approver


def test_adding_terms_for_an_event_without_any(client, approver, tree):
    event = make_event(tree[1], title="Study Group", acronym="SG1")
    response = client.post("/admin/event-terms/new/", {"event": event.pk, "text": "Terms."})
    assert response.status_code == 302
    assert EventTerms.objects.get(event=event).version == 1


def test_demo_terms_are_published_once(tree):
    event = make_event(tree[1])
    assert len(ensure_demo_terms()) == 1
    assert ensure_demo_terms() == []
    assert EventTerms.objects.filter(event=event).count() == 1
