"""Finance records rates of exchange in the admin — a file refused with its line, then one
accepted — and reads the overview's totals in the budget (CHF) and the reporting (USD)
currency."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.finance.rates import ExchangeRate
from marketplace.payments.bank import record_transfer
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for

HEADER = "currency,per_usd,valid_from,valid_to,source\n"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finance_imports_rates_and_reads_totals_in_two_currencies(
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
    pledge = pledge_for((user, acme), package, quantity=1, payment_method="bank_transfer")
    record_transfer(
        pledge,
        amount="30000",
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="BANK-30K",
        actor=None,
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "KES,129.5,2026-11-01,2026-10-31,UN operational rate\n")
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "KES,129.5,2026-11-01,2026-11-30,UN operational rate\n")

    with chromium_page(width=1400, height=1000) as page:
        sign_in_to_admin(page, live_server.url, "finance@example.org", "finance-pass-123")
        page.goto(live_server.url + "/admin/finance/rates/")
        page.get_by_role("heading", name="Rates of exchange").first.wait_for()
        page.get_by_role("link", name="Import a CSV file").click()
        page.get_by_label("CSV file").set_input_files(str(bad))
        page.get_by_role("button", name="Import").click()
        alert = page.get_by_role("alert").filter(has_text="refused")
        assert "Line 2: valid_to 2026-10-31 is before valid_from 2026-11-01." in (
            alert.inner_text()
        )
        screenshot(page, "rates-import-refused")
        assert not ExchangeRate.objects.filter(currency="KES").exists()

        page.get_by_label("CSV file").set_input_files(str(good))
        page.get_by_role("button", name="Import").click()
        page.wait_for_url("**/admin/finance/rates/")
        assert "1 rate imported (0 already recorded)" in page.content()
        page.get_by_label("Search term").fill("KES")
        page.keyboard.press("Enter")
        page.get_by_role("cell", name="129.500000", exact=True).wait_for()
        screenshot(page, "rates-listing")

        page.goto(live_server.url + "/admin/finance/overview/")
        chf = page.locator('tr[data-converted="CHF"]')
        usd = page.locator('tr[data-converted="USD"]')
        assert chf.locator('[data-measure="received"]').inner_text() == "CHF\xa030,000"
        dollars = usd.locator('[data-measure="received"]').inner_text()
        assert re.fullmatch(r"USD\xa0\d{2},\d{3}(\.\d{2})?", dollars) and dollars != "USD\xa030,000"
        assert "All currencies in USD" in usd.inner_text()
        page.locator("#finance-events").scroll_into_view_if_needed()
        screenshot(page, "finance-overview-two-currencies")
