"""A sponsor signs up, verifies their email from the outbox, registers their organisation and
lands in the portal; an approver then clears it in the admin."""

import pytest
from django.contrib.auth.models import Group

from events.editorial import APPROVERS, admin_access, ensure_scope_permissions
from sponsors.models import Clearance, ExclusionCriterion, Organisation
from sponsors.permissions import ensure_sponsor_review_permissions
from tests.e2e.helpers import (
    chromium_page,
    register_organisation,
    screenshot,
    sign_up_sponsor,
    use_file_outbox,
)
from tests.factories import PASSWORD, make_user, site_tree

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" onload="alert(1)">'
    '<script>alert("x")</script><rect width="120" height="40" rx="6" fill="#0b4f8a"/>'
    '<text x="60" y="26" fill="#fff" font-size="16" text-anchor="middle">GLOBEX</text></svg>'
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sponsor_signs_up_verifies_registers_and_lands_in_the_portal(
    live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    site_tree()
    outbox = use_file_outbox(settings, tmp_path)
    logo = tmp_path / "globex.svg"
    logo.write_text(LOGO)

    with chromium_page() as page:
        page.goto(live_server.url + "/accounts/login/")
        screenshot(page, "sponsor-01-sign-in")
        page.goto(live_server.url + "/accounts/signup/")
        screenshot(page, "sponsor-02-sign-up")

        sign_up_sponsor(page, live_server.url, "hana@globex.example", outbox)
        # Submitting an empty form explains every problem and creates nothing.
        page.get_by_role("button", name="Register the organisation").click()
        assert page.get_by_text("Please correct the fields marked below.").is_visible()
        assert not Organisation.objects.exists()
        screenshot(page, "sponsor-03-onboarding-errors")

        register_organisation(
            page, "Globex Telecom AG", display_name="Globex", country="Germany", logo=logo
        )
        assert page.get_by_role("heading", name="Globex", exact=True).is_visible()
        assert page.get_by_role("link", name="See your pledges").get_attribute("href") == (
            "/account/pledges/"
        )
        screenshot(page, "sponsor-04-portal")

        organisation = Organisation.objects.get()
        assert organisation.clearance == Clearance.PENDING
        assert b"script" not in organisation.logo.read()

        page.get_by_role("link", name="Organisation", exact=True).click()
        assert page.get_by_role("img", name="Globex logo").is_visible()
        screenshot(page, "sponsor-05-organisation")
        page.get_by_role("link", name="Contacts", exact=True).click()
        screenshot(page, "sponsor-06-contacts")
        page.get_by_role("link", name="Team", exact=True).click()
        assert page.get_by_text("hana@globex.example").first.is_visible()
        screenshot(page, "sponsor-07-team")

    with chromium_page(width=390, height=844) as phone:
        phone.goto(live_server.url + "/accounts/login/")
        phone.get_by_label("Email").fill("hana@globex.example")
        phone.get_by_label("Password").fill("a-long-sponsor-passphrase")
        phone.get_by_role("button", name="Sign In").click()
        phone.wait_for_url("**/account/")
        screenshot(phone, "sponsor-08-portal-phone")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approver_clears_an_organisation_in_the_admin(live_server, settings, tmp_path):
    from tests.factories import make_organisation

    site_tree()
    use_file_outbox(settings, tmp_path)
    group = Group.objects.create(name=APPROVERS)  # approvers clear due diligence
    group.permissions.add(admin_access())
    ensure_sponsor_review_permissions()
    ensure_scope_permissions()
    organiser = make_user("organiser@bureau.example", first_name="Olivia")
    organiser.groups.add(group)
    organisation = make_organisation(admin=make_user(), display_name="Initech")

    with chromium_page() as page:
        page.goto(live_server.url + "/accounts/login/?next=/admin/organisations/")
        page.get_by_label("Email").fill("organiser@bureau.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/admin/organisations/")
        screenshot(page, "organiser-01-organisations")
        page.get_by_role("link", name="Initech").first.click()
        page.wait_for_url(f"**/admin/organisations/inspect/{organisation.pk}/")
        screenshot(page, "organiser-02-organisation")
        page.get_by_role("link", name="Approve", exact=True).first.click()
        page.wait_for_url(f"**/admin/organisations/clear/{organisation.pk}/")
        for criterion in ExclusionCriterion:
            if criterion != ExclusionCriterion.OTHER:
                page.get_by_label(str(criterion.label)).check()
        page.get_by_label("Reason").fill("Company registry and sanctions lists checked.")
        screenshot(page, "organiser-03-clear")
        page.get_by_role("button", name="Approve the organisation").click()
        page.wait_for_url(f"**/admin/organisations/inspect/{organisation.pk}/")
        screenshot(page, "organiser-04-cleared")

    organisation.refresh_from_db()
    assert organisation.is_cleared and organisation.cleared_by == organiser
