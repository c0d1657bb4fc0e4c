"""Sponsor roles in the browser: the administrator makes a teammate signatory on the team page
(the change is in the team's history); a plain member opens the agreement, is told who may
sign and gets no signing form, and is refused cancelling the administrator's pledge with the
role needed and who holds it."""

import re

import pytest
from django.utils import timezone

from events.choices import PackageCategory
from marketplace.agreements.models import Agreement
from marketplace.agreements.permissions import ensure_agreements_setup
from marketplace.payments.bank import record_transfer
from sponsors.models import MemberRole, Membership
from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import (
    PASSWORD,
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    make_user,
    pledge_for,
    site_tree,
)


def sign_in(page, base_url, email, password=PASSWORD):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_administrator_appoints_a_signatory_and_a_member_is_refused(
    live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"

    _home, index = site_tree()
    ensure_agreements_setup()
    event = make_event(index, title="Global Symposium for Regulators", acronym="GSR-26")
    make_terms(event)
    dinner = make_package(
        event, title="Networking dinner", category=PackageCategory.SOCIAL_EVENT,
        price="20000.00", capacity=1,
    )  # fmt: skip
    coffee = make_package(event, title="Coffee break", slug="coffee", price="3000.00")
    admin, organisation = make_sponsor("grace@borealis.example", name="Borealis")
    admin.first_name, admin.last_name = "Grace", "Berg"
    admin.save()
    carl = make_user("carl@borealis.example", password=PASSWORD, first_name="Carl", last_name="L")
    tom = make_user("tom@borealis.example", password=PASSWORD, first_name="Tom", last_name="Dahl")
    for user in (carl, tom):
        Membership.objects.create(user=user, organisation=organisation, role=MemberRole.MEMBER)
    paid = pledge_for((admin, organisation), dinner)
    record_transfer(
        paid, amount=paid.total, currency="CHF", value_date=timezone.localdate(),
        bank_reference="DNB-77", actor=None,
    )  # fmt: skip
    agreement = Agreement.objects.get(pledge=paid)
    held = pledge_for((admin, organisation), coffee)

    with chromium_page() as page:
        sign_in(page, live_server.url, admin.email)
        page.goto(live_server.url + "/account/team/")
        page.get_by_label("Role of Carl L").select_option("signatory")
        page.get_by_role("button", name="Save Carl L").click()
        page.wait_for_load_state()
        assert page.get_by_text("Carl L's role is changed.").is_visible()
        history = page.locator("table", has=page.get_by_role("columnheader", name="By"))
        assert history.get_by_text("Member → Signatory").is_visible()
        page.get_by_text("What each role may do").click()
        screenshot(page, "sponsor-roles-01-team")
        page.context.clear_cookies()

        sign_in(page, live_server.url, tom.email)
        page.goto(live_server.url + f"/account/agreements/{agreement.public_id}/")
        who = page.locator("#who-signs")
        assert who.get_by_text("Grace Berg").is_visible()
        assert who.get_by_text("Carl L").is_visible()
        assert page.get_by_text("You cannot sign this agreement").is_visible()
        assert page.get_by_label("Your full name").count() == 0
        screenshot(page, "sponsor-roles-02-signing-refused")

        page.goto(live_server.url + f"/account/pledges/{held.public_id}/cancel/")
        assert page.get_by_role("heading", name="Your role does not allow this").is_visible()
        assert page.get_by_text("Cancelling a pledge needs the Administrator role").is_visible()
        screenshot(page, "sponsor-roles-03-cancel-refused")

    assert Membership.objects.get(user=carl).role == "signatory"
    assert Agreement.objects.get(pk=agreement.pk).status == "sent"
    held.refresh_from_db()
    assert held.status == "held"
