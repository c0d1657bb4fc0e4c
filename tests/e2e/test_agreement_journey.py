"""The sponsor signs the agreement in the portal; an approver finds it in the admin's agreements
listing, countersigns it, and both sides then have the executed copy."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from events.choices import BenefitKind, PackageCategory
from events.editorial import APPROVERS, ensure_editorial_setup
from marketplace.agreements.models import Agreement
from marketplace.agreements.permissions import ensure_agreements_setup
from marketplace.payments.bank import record_transfer
from register.models import PartnershipAgreement
from sponsors.models import Contact, ContactRole
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import (
    PASSWORD,
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)


def sign_in(page, base_url, email, password):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sponsor_signs_and_an_approver_countersigns_in_the_admin(live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"

    _home, index = site_tree()
    ensure_editorial_setup(index)
    ensure_agreements_setup()
    event = make_event(index, title="Global Symposium for Regulators", acronym="GSR-26")
    make_terms(event)
    package = make_package(
        event,
        title="Networking dinner",
        category=PackageCategory.SOCIAL_EVENT,
        price="20000.00",
        capacity=1,
        benefits=[(BenefitKind.LOGO_SCREENS, 1, 7), (BenefitKind.SPEAKING_SLOT, 1, 14)],
    )
    user, organisation = make_sponsor("lena@borealis.example", name="Borealis")
    organisation.legal_name = "Borealis Telecom AS"
    organisation.save()
    Contact.objects.create(
        organisation=organisation, role=ContactRole.SIGNATORY, name="Lena Berg",
        email="lena@borealis.example",
    )  # fmt: skip
    pledge = pledge_for((user, organisation), package)
    record_transfer(
        pledge, amount=pledge.total, currency="CHF", value_date=timezone.localdate(),
        bank_reference="DNB-77", actor=None,
    )  # fmt: skip
    agreement = Agreement.objects.get(pledge=pledge)
    organiser = get_user_model().objects.create_user(
        "olivia@example.org", "olivia@example.org", "organiser-pass",
        first_name="Olivia", last_name="Okafor",
    )  # fmt: skip
    organiser.groups.add(Group.objects.get(name=APPROVERS))  # approvers countersign

    with chromium_page() as page:
        sign_in(page, live_server.url, user.email, PASSWORD)
        page.goto(live_server.url + "/account/")
        # The portal's to-do list says what to sign (it replaced the "agreement to sign" panel).
        to_sign = page.locator("[data-todo-overview] [data-todo='sign']")
        assert agreement.number in to_sign.inner_text()
        to_sign.get_by_role("link").click()
        page.get_by_role("button", name="Sign the agreement").click()  # nothing typed
        assert page.get_by_text("Type your full name.").is_visible()
        page.get_by_label("Your full name").fill("Lena Berg")
        page.get_by_label("Your title").fill("Chief Financial Officer")
        page.get_by_label(re.compile("I have read agreement")).check()
        screenshot(page, "agreement-01-sign")
        page.get_by_role("button", name="Sign the agreement").click()
        page.wait_for_load_state()
        assert page.get_by_text("The organisers countersign it next.").is_visible()
        page.context.clear_cookies()

        sign_in_to_admin(page, live_server.url, "olivia@example.org", "organiser-pass")
        page.goto(live_server.url + "/admin/agreements/?status=signed_by_sponsor")
        assert page.get_by_role("link", name=agreement.number).is_visible()
        screenshot(page, "agreement-02-admin-listing")
        page.get_by_role("link", name=agreement.number).click()
        page.wait_for_url(f"**/admin/agreements/inspect/{agreement.pk}/")
        assert page.get_by_text("Chief Financial Officer").first.is_visible()
        screenshot(page, "agreement-03-inspect")
        page.get_by_role("link", name="Countersign").first.click()
        page.get_by_label("Your title").fill("Head of Partnerships")
        page.get_by_label(re.compile("I have read agreement")).check()
        screenshot(page, "agreement-04-countersign")
        page.get_by_role("button", name="Countersign").click()
        page.wait_for_url(f"**/admin/agreements/inspect/{agreement.pk}/")
        assert page.get_by_text("is executed").first.is_visible()
        screenshot(page, "agreement-05-executed")
        page.context.clear_cookies()

        sign_in(page, live_server.url, user.email, PASSWORD)
        page.goto(live_server.url + f"/account/pledges/{pledge.public_id}/")
        link = page.get_by_role("link", name=re.compile("Executed agreement"))
        assert link.is_visible()
        screenshot(page, "agreement-06-pledge-executed")

    agreement.refresh_from_db()
    assert agreement.status == "executed" and agreement.executed_sha256
    assert [s.full_name for s in agreement.signatures.order_by("signed_at")] == [
        "Lena Berg",
        "Olivia Okafor",
    ]
    assert PartnershipAgreement.objects.get(reference=agreement.number).agreement_type == (
        "sponsorship"
    )
