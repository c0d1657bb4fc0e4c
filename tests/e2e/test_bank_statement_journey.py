"""Finance imports the morning's camt.053 in the admin: one line pays an invoice, two match
nothing; finance reviews the two unallocated lines with their candidates and allocates one."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from marketplace.finance.invoices import request_invoice
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.pledges.states import PledgeState
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for
from tests.finance.statements.conftest import camt, camt_entry


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finance_imports_a_statement_reviews_two_lines_and_allocates_one(
    live_server, django_user_model, settings, tmp_path
):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.BANK_ACCOUNTS = [{"iban": "CH9300762011623852957", "currency": "CHF"}]
    ensure_finance_permissions()
    fatima = django_user_model.objects.create_user(
        "fatima", "finance@example.org", "finance-pass-123", first_name="Fatima"
    )
    fatima.groups.add(Group.objects.get(name="Finance"))
    event = make_event(title="Global Symposium for Regulators 2026", acronym="GSR-26")
    make_terms(event)
    gold = make_package(event, title="Gold partner", slug="gold", price="40000.00", capacity=3)
    coffee = make_package(event, title="Coffee break", slug="coffee", price="7500.00", capacity=3)
    acme = make_sponsor(name="Acme Telecom")
    paid = pledge_for(acme, gold)
    invoice = request_invoice(paid, user=acme[0])
    waiting = pledge_for(make_sponsor(name="Orbitel Networks"), coffee)
    booked = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    path = tmp_path / "camt053-2026-12-04.xml"
    path.write_bytes(
        camt(
            [
                camt_entry("40000.00", ref="E2E-1", ustrd=[invoice.number.lower()], booked=booked),
                camt_entry(
                    "7500.00",
                    ref="E2E-2",
                    ustrd=["coffee sponsorship"],
                    debtor="ORBITEL NETWORKS SA",
                    booked=booked,
                ),
                camt_entry(
                    "1250.00", ref="E2E-3", ustrd=["donation"], debtor="J. Doe", booked=booked
                ),
            ]
        )
    )

    with chromium_page(width=1400, height=1000) as page:
        sign_in_to_admin(page, live_server.url, "finance@example.org", "finance-pass-123")
        page.goto(f"{live_server.url}/admin/finance/statements/")
        page.get_by_role("heading", name="Bank statements").first.wait_for()
        page.goto(f"{live_server.url}/admin/finance/statements/import/")
        page.get_by_label("Statement file").set_input_files(str(path))
        page.get_by_role("button", name="Import a bank statement").click()
        page.wait_for_url(re.compile(r".*/admin/finance/statements/inspect/\d+/"))
        summary = page.locator("[data-statement-summary]").inner_text()
        assert summary == "matched 1, partly 0, unallocated 2, duplicates 0, ignored 0"
        page.get_by_role("heading", name="2 lines wait for an allocation").wait_for()
        assert page.locator('tr[data-line="1"]').get_attribute("data-state") == "matched"
        orbitel = page.locator('tr[data-line="2"] [data-candidates]').inner_text()
        assert waiting.reference in orbitel and "owes exactly this amount" in orbitel
        assert "No candidate found." in page.locator('tr[data-line="3"]').inner_text()
        screenshot(page, "bank-statement-review")

        page.get_by_role("link", name="Allocate line 2").click()
        page.get_by_label(re.compile(waiting.reference)).check()
        screenshot(page, "bank-statement-allocate")
        page.get_by_role("button", name="Allocate a bank line").click()
        page.wait_for_url(re.compile(r".*/admin/finance/statements/inspect/\d+/"))
        assert f"allocated to {waiting.reference}" in page.locator(".messages").inner_text()
        page.get_by_role("heading", name="1 line waits for an allocation").wait_for()
        screenshot(page, "bank-statement-after-allocation")

    paid.refresh_from_db()
    waiting.refresh_from_db()
    assert paid.status == waiting.status == PledgeState.PAID
