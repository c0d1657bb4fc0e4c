"""A sponsor pledges a package, pays by card through the local test checkout (no Stripe keys),
sees the receipt in the portal and downloads its PDF."""

import re

import pytest

from events.choices import PackageCategory
from marketplace.finance.models import Receipt
from marketplace.pledges.models import Pledge
from sponsors.models import Clearance, Contact, ContactRole
from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import PASSWORD, make_event, make_package, make_sponsor, make_terms, site_tree
from tests.pdf import pdf_text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sponsor_pays_by_card_through_the_test_checkout_and_downloads_the_receipt(
    live_server, settings, tmp_path
):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.PAYMENTS_STAND_IN_ENABLED = True
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    event = make_event(site_tree()[1], title="Global Symposium for Regulators")
    make_terms(event, "Card payments are due within the hold.")
    coffee = make_package(
        event,
        title="Coffee break",
        slug="coffee",
        category=PackageCategory.SOCIAL_EVENT,
        price="7500.00",
        capacity=2,
        max_per_sponsor=1,
    )
    user, organisation = make_sponsor(
        "maya@orbit.example", name="Orbit Networks", clearance=Clearance.CLEARED
    )
    Contact.objects.create(
        organisation=organisation,
        role=ContactRole.FINANCE,
        name="Ravi Finance",
        email="ap@orbit.example",
    )

    with chromium_page() as page:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
        page.wait_for_load_state()

        page.goto(live_server.url + f"/account/pledges/new/{coffee.pk}/")
        page.get_by_label("Quantity").fill("1")
        page.get_by_label("Card").check()
        page.get_by_label(re.compile("I have read and accept the event's terms")).check()
        page.get_by_role("button", name="Pledge and hold the slots").click()
        page.wait_for_url(re.compile(r".*/account/pledges/[0-9a-f-]{36}/$"))
        pledge = Pledge.objects.get()
        screenshot(page, "payment-01-pledge")

        page.get_by_role("button", name=re.compile("Pay by card")).click()
        page.wait_for_url(re.compile(r".*/payments/test-checkout/cs_test_standin_\w+/$"))
        assert page.get_by_role("heading", name="TEST PAYMENT").is_visible()
        assert page.get_by_text("No card is charged").is_visible()
        screenshot(page, "payment-02-test-checkout")

        page.get_by_role("button", name="Pay (test)").click()
        page.wait_for_url(re.compile(rf".*/account/pledges/{pledge.public_id}/$"))
        receipt = Receipt.objects.get()
        assert Pledge.objects.get().status == "paid"
        assert page.get_by_text(f"Receipt {receipt.number} is below").is_visible()
        row = page.locator(f"tr[data-document='{receipt.number}']")
        assert "CHF\xa07,500.00" in row.inner_text()
        screenshot(page, "payment-03-paid")

        with page.expect_download() as download_info:
            row.get_by_role("link", name=re.compile(f"Download {receipt.number}")).click()
        download = download_info.value
        assert download.suggested_filename == f"{receipt.number}.pdf"
        content = open(download.path(), "rb").read()

    text = pdf_text(content)
    assert receipt.number in text
    assert "CHF\xa07,500.00" in text
    assert pledge.reference in text
