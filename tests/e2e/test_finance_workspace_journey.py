"""Finance opens the admin: the home page's finance panel, the overview (a part-paid invoice
due, unallocated money, an open flag resolved there) and receivables aging moving when the rest
of the transfer arrives."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from marketplace.finance import ledger
from marketplace.finance.invoices import request_invoice
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.payments.bank import record_transfer
from marketplace.payments.models import Flag
from marketplace.payments.moves import raise_flag
from sponsors.models import Contact, ContactRole
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for


def transfer(pledge, amount, reference):
    record_transfer(
        pledge,
        amount=amount,
        currency=pledge.currency,
        value_date=timezone.localdate(),
        bank_reference=reference,
        actor=None,
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finance_reads_the_overview_resolves_a_flag_and_sees_aging_move(
    live_server, django_user_model, settings, tmp_path
):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    ensure_finance_permissions()
    fatima = django_user_model.objects.create_user(
        "fatima", "finance@example.org", "finance-pass-123", first_name="Fatima"
    )
    fatima.groups.add(Group.objects.get(name="Finance"))
    event = make_event(title="Global Symposium for Regulators 2026", acronym="GSR-26")
    make_terms(event)
    package = make_package(event, title="Gold partner", slug="gold", price="40000.00", capacity=3)
    user, acme = make_sponsor(name="Acme")
    Contact.objects.create(
        organisation=acme, role=ContactRole.FINANCE, name="Luis", email="ap@acme.example"
    )
    pledge = pledge_for((user, acme), package, quantity=1, payment_method="bank_transfer")
    invoice = request_invoice(pledge, user=user)
    transfer(pledge, "30000", "BANK-30K")
    ledger.post_unallocated_receipt(
        "1250", "CHF", source="unallocated:e2e", document="STMT-0042 mistyped reference"
    )
    raise_flag(
        "reference_mismatch",
        "e2e",
        "Transfer BANK-77 names GSR26-XXXX, which matches no pledge.",
        pledge=pledge,
    )

    with chromium_page(width=1400, height=1000) as page:
        sign_in_to_admin(page, live_server.url, "finance@example.org", "finance-pass-123")
        panel = page.get_by_role("region", name=re.compile("Finance, "))
        assert "1 open flag" in panel.inner_text()
        panel.get_by_role("link", name="Finance overview").click()
        page.wait_for_url("**/admin/finance/overview/")
        page.get_by_role("heading", name="Finance overview").wait_for()
        row = page.locator('tr[data-event="Global Symposium for Regulators 2026"]')
        assert row.locator('[data-measure="received"]').inner_text() == "CHF\xa030,000"
        assert row.locator('[data-measure="due"]').inner_text() == "CHF\xa010,000"
        assert "CHF\xa01,250" in page.locator("#unallocated-heading + ul").inner_text()
        assert page.get_by_role("img", name=re.compile("Money received by month")).is_visible()
        screenshot(page, "finance-overview")

        page.get_by_label(re.compile("How this flag")).fill("Matched by phone with Acme")
        page.get_by_role("button", name="Resolve").click()
        page.wait_for_url("**/admin/finance/overview/")
        assert "No flag is waiting for finance." in page.content()
        assert Flag.objects.get().resolution == "Matched by phone with Acme"

        page.goto(live_server.url + "/admin/finance/aging/")
        table = page.locator("#aging")
        assert "CHF\xa010,000" in table.inner_text()
        assert invoice.number in page.locator("#aging-items").inner_text()
        screenshot(page, "finance-aging")

        transfer(pledge, "10000", "BANK-10K")
        page.reload()
        assert "Nothing is owed at that date." in page.content()
