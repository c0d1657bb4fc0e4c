"""A sponsor signs up, verifies their email from the outbox, registers their organisation,
pledges two fellowships from the package page and finds them in the portal."""

import re

import pytest

from events.choices import BenefitKind, PackageCategory
from marketplace.pledges.models import Pledge
from tests.e2e.helpers import (
    chromium_page,
    register_organisation,
    screenshot,
    sign_in_to_admin,
    sign_up_sponsor,
    use_file_outbox,
)
from tests.factories import make_event, make_package, make_terms, site_tree


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_sponsor_pledges_two_fellowships_and_sees_them_in_the_portal(
    live_server, settings, tmp_path
):
    outbox = use_file_outbox(settings, tmp_path)
    event = make_event(site_tree()[1])
    make_terms(event, "Fellowships are paid within the hold.\n\nThe sponsor is acknowledged.")
    fellowships = make_package(
        event,
        title="LDC delegate fellowships",
        category=PackageCategory.FELLOWSHIP,
        price="4000.00",
        capacity=10,
        max_per_sponsor=5,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.SOCIAL_MEDIA, 2, 7)],
    )

    with chromium_page() as page:
        sign_up_sponsor(page, live_server.url, "amina@savanna.example", outbox)
        register_organisation(page, "Savanna Telecom Ltd", display_name="Savanna Telecom")

        page.goto(live_server.url + fellowships.url)
        assert page.get_by_text("10 of 10 left").is_visible()
        page.get_by_role("link", name="Pledge this package").click()
        page.wait_for_url(f"**/account/pledges/new/{fellowships.pk}/")
        assert page.get_by_text("Fellowships are paid within the hold.").is_visible()
        page.get_by_label("Quantity").fill("2")
        page.get_by_label("Bank transfer").check()
        screenshot(page, "pledge-01-form")

        # Forgetting the terms explains the problem and pledges nothing.
        page.get_by_role("button", name="Pledge and hold the slots").click()
        assert page.get_by_text("You must accept the event's terms to pledge.").is_visible()
        assert not Pledge.objects.exists()

        page.get_by_label(re.compile("I have read and accept the event's terms")).check()
        page.get_by_role("button", name="Pledge and hold the slots").click()
        page.wait_for_url(re.compile(r".*/account/pledges/[0-9a-f-]{36}/$"))
        pledge = Pledge.objects.get()
        assert (pledge.quantity, pledge.status, pledge.payment_method) == (
            2,
            "held",
            "bank_transfer",
        )
        assert page.get_by_role("heading", name=f"Pledge {pledge.reference}").is_visible()
        assert page.get_by_text("CHF 8,000", exact=True).first.is_visible()
        screenshot(page, "pledge-02-detail")

        page.get_by_role("link", name="Your pledges").click()
        page.wait_for_url("**/account/pledges/")
        row = page.locator(f"tr[data-reference='{pledge.reference}']")
        assert row.is_visible()
        assert "Held" in row.inner_text() and "CHF\u00a08,000" in row.inner_text()
        screenshot(page, "pledge-03-portal")

        page.goto(live_server.url + fellowships.url)
        assert page.get_by_text("8 of 10 left").is_visible()
        screenshot(page, "pledge-04-package-after")

    # The sponsor received the confirmation with a link to the pledge.
    mail = "\n".join(path.read_text() for path in outbox.glob("*.log"))
    assert f"Pledge {pledge.reference} received" in mail
    assert f"/account/pledges/{pledge.public_id}/" in mail


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approver_reviews_and_approves_a_pledge_in_the_admin(live_server):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from events.editorial import APPROVERS, ensure_editorial_setup
    from marketplace.pledges.permissions import ensure_pledge_permissions
    from sponsors.models import Clearance
    from tests.factories import make_sponsor, pledge_for

    index = site_tree()[1]
    ensure_editorial_setup(index)
    ensure_pledge_permissions()
    event = make_event(index)
    make_terms(event)
    dinner = make_package(event, title="Networking dinner", capacity=1, requires_approval=True)
    fellowships = make_package(
        event, title="Fellowships", category=PackageCategory.FELLOWSHIP, capacity=10
    )
    cleared = make_sponsor(name="Savanna Telecom", clearance=Clearance.CLEARED)
    pledge = pledge_for(cleared, dinner)
    pledge_for(make_sponsor(name="Borealis Foundation"), fellowships)
    organiser = get_user_model().objects.create_user(
        "olivia@example.org", "olivia@example.org", "organiser-pass", first_name="Olivia"
    )
    organiser.groups.add(Group.objects.get(name=APPROVERS))  # approvers decide pledges

    with chromium_page() as page:
        sign_in_to_admin(page, live_server.url, "olivia@example.org", "organiser-pass")
        page.goto(live_server.url + "/admin/pledges/")
        assert page.get_by_text(pledge.reference).is_visible()
        screenshot(page, "pledge-admin-01-listing")

        page.get_by_role("link", name=pledge.reference).click()
        page.wait_for_url(f"**/admin/pledges/inspect/{pledge.pk}/")
        assert page.get_by_text("The package requires the organisers' approval.").is_visible()
        screenshot(page, "pledge-admin-02-inspect")
        page.get_by_role("link", name="Approve", exact=True).first.click()
        page.wait_for_url(f"**/admin/pledges/approve/{pledge.pk}/")
        page.get_by_label("Reason (optional)").fill("Cleared on 3 March.")
        screenshot(page, "pledge-admin-03-approve")
        page.get_by_role("button", name="Approve").click()
        page.wait_for_url(f"**/admin/pledges/inspect/{pledge.pk}/")
        assert page.get_by_text("approved; the sponsor was emailed").is_visible()
        screenshot(page, "pledge-admin-04-approved")

    pledge.refresh_from_db()
    assert pledge.status == "awaiting_payment"
    assert pledge.history.last().actor == organiser
