"""An organisation whose signatory resembles a UN sanctions-list entry registers; the approver
sees the flag on the organisation, cannot approve it, reviews the match as a false positive and
then approves it with every exclusion criterion checked."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from events.editorial import APPROVERS, admin_access, ensure_scope_permissions
from sponsors.models import Clearance, Contact, ContactRole, ScreeningOutcome
from sponsors.permissions import ensure_screening_permissions, ensure_sponsor_review_permissions
from sponsors.sanctions import parse_consolidated_list, store_entries
from sponsors.services import save_contact
from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import PASSWORD, make_organisation, make_user

SAMPLE = Path(__file__).parent.parent / "sponsors" / "data" / "consolidated_sample.xml"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approver_reviews_a_sanctions_match_then_approves(live_server):
    with SAMPLE.open("rb") as stream:
        store_entries(*parse_consolidated_list(stream))
    group = Group.objects.create(name=APPROVERS)
    group.permissions.add(admin_access())
    ensure_sponsor_review_permissions()
    ensure_screening_permissions()
    ensure_scope_permissions()
    approver = make_user("approver@bureau.example", first_name="Amira", last_name="Approver")
    approver.groups.add(group)
    organisation = make_organisation(legal_name="Harmless Telecom SA")
    save_contact(
        Contact(
            organisation=organisation,
            role=ContactRole.SIGNATORY,
            name="Iwan Petrow",
            email="iwan@example.com",
        )
    )

    with chromium_page() as page:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(approver.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/admin/organisations/inspect/{organisation.pk}/")
        assert page.get_by_role("alert").filter(has_text="sanctions list").is_visible()
        assert page.get_by_role("link", name="Approve", exact=True).count() == 0
        screenshot(page, "screening-01-flagged-organisation")

        page.get_by_role("link", name=re.compile("^Review")).click()
        page.wait_for_url("**/screening/*/review/")
        assert page.get_by_text("KPi.901").is_visible()
        page.get_by_label(re.compile("False positive")).check()
        page.get_by_label("Reason").fill("Born 1988 in Geneva; the listed person was born 1961.")
        screenshot(page, "screening-02-review")
        page.get_by_role("button", name="Record the review").click()
        page.wait_for_url(f"**/admin/organisations/inspect/{organisation.pk}/")
        assert page.get_by_text("Recorded as a false positive").is_visible()

        page.get_by_role("link", name="Approve", exact=True).click()
        for label in (
            "UN Security Council sanctions lists",
            "UN Global Marketplace ineligible vendors",
            "Tobacco",
            "Weapons and armaments",
            "Human-rights and labour concerns",
        ):
            page.get_by_label(label).check()
        page.get_by_label("Reason").fill("Registry, sanctions and UNGM checked.")
        screenshot(page, "screening-03-approve")
        page.get_by_role("button", name="Approve the organisation").click()
        page.wait_for_url(f"**/admin/organisations/inspect/{organisation.pk}/")
        assert page.get_by_text("is approved").is_visible()
        screenshot(page, "screening-04-approved")

    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.CLEARED
    match = organisation.screening_matches.get()
    assert (match.outcome, match.reviewed_by) == (ScreeningOutcome.FALSE_POSITIVE, approver)
    assert organisation.clearance_decisions.get().criteria_checked == [
        "un_sanctions",
        "ungm_ineligible",
        "tobacco",
        "weapons",
        "human_rights",
    ]
