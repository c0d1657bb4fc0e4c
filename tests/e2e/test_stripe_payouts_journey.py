"""Finance opens the Stripe payouts: the list (gross, fees, paid out, bank line matched or
not), then a payout's detail with each payment, its fee and an unknown charge flagged."""

import re

import pytest
from django.contrib.auth.models import Group

from marketplace.finance import payouts
from marketplace.finance.models import Payout
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.payments import stripe_gateway
from marketplace.payments.models import Payment
from marketplace.payments.moves import move_payment
from marketplace.payments.settlement import settle
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod
from tests.e2e.helpers import chromium_page, screenshot, sign_in_to_admin
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for
from tests.finance.stripe_balance_fake import (
    FakeStripeBalance,
    balance_transaction,
    charge,
    payout,
)


def card_paid(pledge, intent) -> Payment:
    payment = Payment.objects.create(
        pledge=pledge,
        method=PaymentMethod.CARD,
        attempt=1,
        amount=pledge.total,
        currency=pledge.currency,
        stripe_session_id=f"cs_{intent}",
        stripe_payment_intent=intent,
    )
    move_payment(payment, PaymentStatus.PENDING, reason="test")
    move_payment(payment, PaymentStatus.SUCCEEDED, reason="test")
    settle(pledge, payment=payment)
    return payment


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finance_reads_a_stripe_payout_its_fees_and_payments(
    live_server, django_user_model, settings, tmp_path, monkeypatch
):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    fake = FakeStripeBalance(page_size=2)
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    ensure_finance_permissions()
    django_user_model.objects.create_user(
        "fatima", "finance@example.org", "finance-pass-123", first_name="Fatima"
    ).groups.add(Group.objects.get(name="Finance"))
    event = make_event(title="Global Symposium for Regulators 2026", acronym="GSR-26")
    make_terms(event)
    gold = make_package(event, title="Gold partner", slug="gold", price="40000.00", capacity=3)
    acme = pledge_for(make_sponsor(name="Acme"), gold, payment_method="card")
    globex = pledge_for(make_sponsor(name="Globex"), gold, payment_method="card")
    first, second = card_paid(acme, "pi_acme"), card_paid(globex, "pi_globex")
    txns = [
        balance_transaction(amount=4000000, fee=116030, source=charge("pi_acme", 4000000)),
        balance_transaction(amount=4000000, fee=116030, source=charge("pi_globex", 4000000)),
        balance_transaction(amount=5000, fee=175, source=charge("pi_unknown", 5000)),
    ]
    obj = fake.add_payout(payout(8000000 - 2 * 116030 + 5000 - 175, id="po_1GsrPayout"), txns)
    payouts.reconcile_payout(obj["id"])
    record = Payout.objects.get()

    with chromium_page(width=1400, height=1000) as page:
        sign_in_to_admin(page, live_server.url, "finance@example.org", "finance-pass-123")
        page.goto(live_server.url + "/admin/finance/stripe-payouts/")
        page.get_by_role("heading", name="Stripe payouts").first.wait_for()
        row = page.locator("tr", has_text="po_1GsrPayout")
        text = row.inner_text().replace("\xa0", " ")
        assert "CHF 80,050.00" in text and "CHF 2,322.35" in text and "CHF 77,727.65" in text
        screenshot(page, "stripe-payouts-list")
        row.get_by_role("link", name=re.compile("po_1GsrPayout")).first.click()
        page.wait_for_url(f"**/inspect/{record.pk}/")
        net = page.locator('[data-total="net"]').inner_text().replace("\xa0", " ")
        assert net == "CHF 77,727.65"
        assert page.locator('[data-bank-matched="no"]').is_visible()
        table = page.get_by_role("table", name="The balance transactions this payout pays out")
        assert str(first) in table.inner_text() and str(second) in table.inner_text()
        assert "matches no payment here" in table.inner_text()
        screenshot(page, "stripe-payout-detail")
