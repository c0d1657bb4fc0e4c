"""Approvers clear or decline organisations with a reason; who and when is kept, the primary
contact is told, and the pledges side reads the outcome from `is_cleared` and
`onboarding_missing`."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from events.editorial import APPROVERS, admin_access, ensure_scope_permissions
from sponsors.membership import onboarding_missing
from sponsors.models import Clearance, ClearanceDecision, ExclusionCriterion
from sponsors.notifications import send_clearance_decision
from sponsors.permissions import ensure_sponsor_review_permissions
from sponsors.services import (
    OrganisationError,
    clear_organisation,
    decline_organisation,
    update_organisation,
)
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db

# Every exclusion criterion an approval needs (all but "other").
CHECKED = [c for c in ExclusionCriterion.values if c != ExclusionCriterion.OTHER]


@pytest.fixture
def approver():
    group = Group.objects.create(name=APPROVERS)
    group.permissions.add(admin_access())
    ensure_sponsor_review_permissions()
    ensure_scope_permissions()
    user = make_user("approver@bureau.example")
    user.groups.add(group)
    return user


def test_clearing_records_who_when_and_why_and_tells_the_primary_contact(
    approver, django_capture_on_commit_callbacks
):
    organisation = make_organisation()
    with django_capture_on_commit_callbacks(execute=True):
        decision = clear_organisation(organisation, approver, "Checked the registry.")
    organisation.refresh_from_db()
    assert organisation.is_cleared
    assert (organisation.cleared_by, organisation.clearance_reason) == (
        approver,
        "Checked the registry.",
    )
    assert organisation.cleared_at == decision.decided_at
    assert ClearanceDecision.objects.get().decision == Clearance.CLEARED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [organisation.primary_contact.email]
    assert "cleared" in mail.outbox[0].subject
    assert "Checked the registry." in mail.outbox[0].body
    # The task running twice sends nothing more.
    assert send_clearance_decision(decision.pk) is False
    assert len(mail.outbox) == 1


def test_declining_blocks_pledging_and_gives_the_reason(
    approver, django_capture_on_commit_callbacks
):
    admin = make_user()
    organisation = make_organisation(admin=admin)
    with django_capture_on_commit_callbacks(execute=True):
        decline_organisation(organisation, approver, "Involved in arms trade.")
    assert not organisation.is_cleared and organisation.is_declined
    assert any("declined" in step for step in onboarding_missing(admin, organisation))
    assert "Involved in arms trade." in mail.outbox[0].body


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_decision_needs_a_reason(approver, reason):
    organisation = make_organisation()
    with pytest.raises(OrganisationError, match="reason"):
        clear_organisation(organisation, approver, reason)
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.PENDING
    assert not ClearanceDecision.objects.exists()


def test_an_undeclared_private_company_cannot_be_cleared_but_can_be_declined(approver):
    organisation = make_organisation(accepts_global_compact=False)
    with pytest.raises(OrganisationError, match="not yet declared"):
        clear_organisation(organisation, approver, "Looks fine")
    decline_organisation(organisation, approver, "No declaration after three reminders.")
    assert organisation.is_declined


def test_a_material_change_sends_a_cleared_organisation_back_to_review(approver):
    admin = make_user()
    organisation = make_organisation(admin=admin)
    clear_organisation(organisation, approver, "ok")
    organisation.website = "https://new.example"
    update_organisation(organisation, ["website"], by=admin)
    assert organisation.is_cleared
    organisation.legal_name = "Renamed Holdings"
    update_organisation(organisation, ["legal_name"], by=admin)
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.PENDING
    assert organisation.clearance_decisions.first().decision == Clearance.PENDING


def test_a_declined_organisation_stays_declined_after_edits(approver):
    admin = make_user()
    organisation = make_organisation(admin=admin)
    decline_organisation(organisation, approver, "no")
    organisation.legal_name = "Fresh Start Ltd"
    update_organisation(organisation, ["legal_name"], by=admin)
    organisation.refresh_from_db()
    assert organisation.is_declined


# The Wagtail admin screens.


def test_approvers_list_organisations_filtered_by_due_diligence_state(client, approver):
    make_organisation(display_name="Waiting Co")
    cleared = make_organisation(display_name="Done Co")
    clear_organisation(cleared, approver, "ok")
    client.force_login(approver)
    url = reverse("sponsor_organisations:index")
    html = client.get(url).content.decode()
    assert "Waiting Co" in html and "Done Co" in html
    pending = client.get(url, {"clearance": "pending"}).content.decode()
    assert "Waiting Co" in pending and "Done Co" not in pending
    found = client.get(url, {"q": "Done"}).content.decode()
    assert "Done Co" in found and "Waiting Co" not in found


def test_the_detail_page_shows_contacts_team_and_history(client, approver):
    admin = make_user("boss@co.example")
    organisation = make_organisation(admin=admin, display_name="Detail Co")
    decline_organisation(organisation, approver, "First look: missing papers.")
    client.force_login(approver)
    html = client.get(
        reverse("sponsor_organisations:inspect", args=[organisation.pk])
    ).content.decode()
    assert "boss@co.example" in html
    assert organisation.primary_contact.email in html
    assert "First look: missing papers." in html
    assert reverse("sponsor_organisations:clear", args=[organisation.pk]) in html


def test_an_approver_clears_through_the_admin_with_a_required_reason(
    client, approver, django_capture_on_commit_callbacks
):
    organisation = make_organisation()
    client.force_login(approver)
    url = reverse("sponsor_organisations:clear", args=[organisation.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"reason": "Registry and sanctions lists checked.", "criteria": CHECKED}
        )
    assert response["Location"] == reverse("sponsor_organisations:inspect", args=[organisation.pk])
    organisation.refresh_from_db()
    assert organisation.is_cleared and organisation.cleared_by == approver
    assert len(mail.outbox) == 1


def test_the_admin_shows_the_refusal_to_clear_an_undeclared_organisation(client, approver):
    organisation = make_organisation(declares_no_excluded_activities=False)
    client.force_login(approver)
    response = client.post(
        reverse("sponsor_organisations:clear", args=[organisation.pk]),
        {"reason": "ok", "criteria": CHECKED},
    )
    assert response.status_code == 400
    assert "not yet declared" in response.content.decode()


def test_admin_users_without_the_permission_cannot_decide(client):
    editor = make_user("editor@bureau.example")
    group = Group.objects.create(name="Catalogue readers")
    group.permissions.add(admin_access())
    editor.groups.add(group)
    organisation = make_organisation()
    client.force_login(editor)
    response = client.post(
        reverse("sponsor_organisations:decline", args=[organisation.pk]), {"reason": "no"}
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.PENDING
    listing = client.get(reverse("sponsor_organisations:index"))
    assert (listing.status_code, listing["Location"]) == (302, "/admin/")


def test_sponsors_cannot_reach_the_admin_decision(client):
    sponsor = make_user()
    organisation = make_organisation(admin=sponsor)
    client.force_login(sponsor)
    client.post(reverse("sponsor_organisations:clear", args=[organisation.pk]), {"reason": "me"})
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.PENDING
