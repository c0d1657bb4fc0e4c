"""Money in, as finance and the sponsor see it: finance records a transfer that matches no
pledge, allocates it to the sponsor's invoice; the sponsor's pledge page after that
part-payment, and after the pledge is paid and refunded."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from marketplace.core.roles import FINANCE
from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import PaymentAcknowledgement, UnallocatedTransfer
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.payments.bank import record_transfer
from marketplace.payments.refunds import refund_payment
from marketplace.pledges.models import Pledge
from sponsors.models import Clearance, Contact, ContactRole
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
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


def sign_in(page, base_url, email, password):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finance_allocates_unmatched_money_and_the_sponsor_sees_paid_due_and_refunded(
    live_server, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    event = make_event(site_tree()[1], title="Global Symposium for Regulators")
    make_terms(event)
    headline = make_package(event, title="Headline partner", slug="headline", price="40000.00")
    user, organisation = make_sponsor(
        "maya@orbit.example", name="Orbit Networks", clearance=Clearance.CLEARED
    )
    Contact.objects.create(
        organisation=organisation, role=ContactRole.FINANCE, name="Ravi", email="ap@orbit.example"
    )
    pledge = pledge_for((user, organisation), headline, payment_method="bank_transfer")
    invoice = request_invoice(pledge, user=user)
    ensure_finance_permissions()
    finance = make_user("fiona@example.org", password="finance-pass")
    finance.groups.add(Group.objects.get(name=FINANCE))

    with chromium_page() as page:
        # --- Finance: a transfer with a mistyped reference goes to the unallocated list ------
        sign_in_to_admin(page, live_server.url, "fiona@example.org", "finance-pass")
        page.goto(live_server.url + "/admin/finance/unallocated/")
        assert "There are no unallocated transfers" in page.content() or page.content()
        page.goto(live_server.url + "/admin/finance/unallocated/record/")
        page.get_by_label("Amount credited").fill("30000.00")
        page.get_by_label("Currency").select_option("CHF")
        page.get_by_label("Value date").fill(timezone.localdate().isoformat())
        page.get_by_label("Bank reference").fill("CAMT-2026-0042")
        page.get_by_label("Payer, as on the statement").fill("ORBIT NETWORKS LTD")
        page.get_by_label("Reference quoted").fill(pledge.reference.replace("0", "O"))
        screenshot(page, "money-in-01-record-unallocated")
        page.get_by_role("button", name="Record a transfer matching no pledge").click()
        page.wait_for_url(re.compile(r".*/admin/finance/unallocated/inspect/\d+/$"))
        money = UnallocatedTransfer.objects.get()
        assert page.locator("[data-unallocated-status='unallocated']").is_visible()
        assert (
            "CHF\xa030,000.00 received, CHF\xa030,000.00 left to allocate"
            in page.content().replace("&nbsp;", "\xa0")
        )

        page.goto(live_server.url + "/admin/finance/unallocated/")
        row = page.locator("tr", has_text="CAMT-2026-0042")
        assert "CHF\xa030,000.00" in row.inner_text() and "Unallocated" in row.inner_text()
        screenshot(page, "money-in-02-unallocated-list")

        page.goto(live_server.url + f"/admin/finance/unallocated/allocate/{money.pk}/")
        page.get_by_label("Pledge reference or invoice number (1)").fill(invoice.number)
        page.get_by_label("Amount (1)").fill("30000.00")
        page.get_by_role("button", name="Allocate unallocated money").click()
        page.wait_for_url(f"**/admin/finance/unallocated/inspect/{money.pk}/")
        assert page.locator("[data-unallocated-status='allocated']").is_visible()
        assert page.get_by_text(f"Allocated to {pledge.reference}.").is_visible()
        screenshot(page, "money-in-03-allocated")

        page.goto(live_server.url + f"/admin/finance/invoices/inspect/{invoice.pk}/")
        assert page.locator("[data-invoice-status='partially_paid']").is_visible()
        screenshot(page, "money-in-04-invoice-partially-paid")
        page.context.clear_cookies()

        # --- The sponsor: a part-payment acknowledged, what is paid and what is due ----------
        sign_in(page, live_server.url, user.email, PASSWORD)
        page.goto(live_server.url + f"/account/pledges/{pledge.public_id}/")
        ack = PaymentAcknowledgement.objects.get()
        assert page.locator("[data-amount-paid]").inner_text() == "CHF\xa030,000.00"
        assert page.locator("[data-amount-due]").inner_text() == "CHF\xa010,000.00"
        todo = page.locator("[data-todo-list]").inner_text()
        assert "Pay CHF\u00a010,000 by bank transfer" in todo
        assert page.locator(f"tr[data-document='{ack.number}']").is_visible()
        invoice_row = page.locator(f"tr[data-document='{invoice.number}']")
        assert "Partially paid" in invoice_row.inner_text()
        screenshot(page, "money-in-05-sponsor-after-part-payment")

        # --- The rest arrives, then finance refunds it all ------------------------------------
        record_transfer(
            Pledge.objects.get(pk=pledge.pk),
            amount="10000.00",
            currency="CHF",
            value_date=timezone.localdate(),
            bank_reference="CAMT-2026-0050",
            actor=finance,
        )
        assert Pledge.objects.get(pk=pledge.pk).status == "paid"
        for received in Pledge.objects.get(pk=pledge.pk).payments.all():
            refund_payment(
                received, amount=received.amount, reason="Event postponed", actor=finance
            )
        page.reload()
        assert Pledge.objects.get(pk=pledge.pk).status == "refunded"
        assert page.locator("[data-amount-due]").inner_text() == "CHF\xa00.00"
        assert page.locator("[data-amount-refunded]").inner_text() == "CHF\xa040,000.00"
        assert "the pledge was refunded" in page.locator("[data-next-step]").inner_text()
        assert page.get_by_text(re.compile(r"Corrects RCPT-")).first.is_visible()
        screenshot(page, "money-in-06-sponsor-after-refund")
