"""Stripe's payouts reconciled: on `payout.paid` the payout's balance transactions are read
through the SDK (every page), each charge and refund tied to its payment, Stripe's fee posted
per payment, the payout posted to the bank once; what we do not know is flagged; Stripe's
balance is compared with the clearing account; the payout's bank line finds the payout."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from celery.schedules import crontab
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from marketplace.finance import ledger, payouts, reconcile, stripe_balance, tasks
from marketplace.finance.models import (
    BalanceTransaction,
    JournalEntry,
    Payout,
    PayoutChange,
    PostingKind,
)
from marketplace.finance.payout_matching import (
    PayoutError,
    claim_line,
    link_bank_line,
    match_payout,
)
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.payments import stripe_gateway
from marketplace.payments.checkout import start_card_payment
from marketplace.payments.hooks import PAYOUT_PAID
from marketplace.payments.models import Flag, Payment
from marketplace.payments.refunds import refund_payment
from tests.factories import make_package, make_sponsor, pledge_for
from tests.finance.stripe_balance_fake import (
    FakeStripeBalance,
    balance_transaction,
    charge,
    payout,
    refund,
)
from tests.payments.stripe_fake import completed_session, event, post_webhook
from worker.app import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_account(monkeypatch):
    fake = FakeStripeBalance(page_size=2)
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    return fake


def paid_by_card(client, pledge, user, on_commit) -> Payment:
    payment = start_card_payment(pledge, user=user)
    with on_commit():
        response = post_webhook(
            client, event("checkout.session.completed", completed_session(payment))
        )
    assert response.json()["outcome"].startswith("succeeded"), response.json()
    payment.refresh_from_db()
    return payment


def card_charge(payment, fee):
    """The balance transaction of the card payment's charge, its fee in minor units."""
    gross = int(payment.amount * 100)
    return balance_transaction(
        amount=gross,
        fee=fee,
        source=charge(payment.stripe_payment_intent, gross),
    )


@pytest.fixture
def two_card_payments(client, sponsor, package, event, stripe_account, on_commit):
    """Acme pays CHF 10,000 (two slots) and Globex CHF 7,500, by card."""
    acme = pledge_for(sponsor, package, quantity=2, payment_method="card")
    first = paid_by_card(client, acme, sponsor[0], on_commit)
    lunch = make_package(event, title="Lunch", slug="lunch", price="7500.00", capacity=1)
    globex = make_sponsor(name="Globex")
    second = paid_by_card(
        client, pledge_for(globex, lunch, payment_method="card"), globex[0], on_commit
    )
    return first, second


def counts():
    return (
        Payout.objects.count(),
        BalanceTransaction.objects.count(),
        JournalEntry.objects.count(),
        PayoutChange.objects.count(),
        Flag.objects.count(),
    )


def test_a_paid_payout_posts_each_payments_fee_and_the_payout_to_the_bank_once(
    client, stripe_account, two_card_payments, on_commit
):
    first, second = two_card_payments
    assert ledger.balance("stripe_clearing") == D("17500.00")  # gross, at settlement
    # 2.9 % + CHF 0.30 on each charge: 290.30 and 217.80.
    txns = [card_charge(first, 29030), card_charge(second, 21780)]
    paid = stripe_account.add_payout(payout(1750000 - 29030 - 21780), txns)

    with on_commit():
        response = post_webhook(client, event("payout.paid", paid))

    assert response.json()["outcome"] == f"payout {paid['id']} recorded; reconciliation queued"
    record = Payout.objects.get(stripe_id=paid["id"])
    assert record.reconciled_at is not None and record.amount == D("16991.90")
    assert record.totals() == {"gross": D("17500.00"), "fee": D("508.10"), "net": D("16991.90")}
    fees = {t.payment_id: t.fee for t in BalanceTransaction.objects.all()}
    assert fees == {first.pk: D("290.30"), second.pk: D("217.80")}
    assert ledger.balance("fees") == D("508.10")
    assert ledger.balance("bank") == D("16991.90")
    assert ledger.balance("stripe_clearing") == D("0.00")  # gross - fees - payout
    entry = JournalEntry.objects.get(kind=PostingKind.PAYOUT)
    assert (entry.document, entry.currency) == (paid["id"], "CHF")
    assert reconcile.disagreements() == []  # check_ledger is clean
    # Three transactions (two charges and the payout's own), two a page: two requests.
    pages = stripe_account.calls("/v1/balance_transactions")
    assert len(pages) == 2 and pages[1][3]["starting_after"] == txns[1]["id"]
    assert pages[0][3]["payout"] == paid["id"] and pages[0][3]["expand[0]"] == "data.source"
    assert [c.step_label for c in record.history.all()] == ["Paid", "Reconciled"]

    before = counts()
    # The same event again, another event for the same payout, and the command: nothing.
    with on_commit():
        post_webhook(client, event("payout.paid", paid))
    payouts.reconcile_payout(paid["id"])
    call_command("reconcile_stripe", "--payout", paid["id"], stdout=open("/dev/null", "w"))
    assert counts() == before
    assert ledger.balance("fees") == D("508.10") and ledger.balance("bank") == D("16991.90")


def test_a_refund_in_the_payout_is_tied_to_the_refund_made_in_the_admin(
    client, stripe_account, two_card_payments
):
    first, second = two_card_payments
    made = refund_payment(first, amount="1000.00", reason="Slot given back", actor=None)
    made.refresh_from_db()
    txns = [
        card_charge(first, 29030),
        card_charge(second, 21780),
        balance_transaction(
            amount=-100000,
            fee=0,
            type="refund",
            source=refund(made.stripe_refund_id, first.stripe_payment_intent, 100000),
        ),
    ]
    paid = stripe_account.add_payout(payout(1750000 - 29030 - 21780 - 100000), txns)

    result = payouts.reconcile_payout(paid["id"])

    assert (result.transactions, result.new, result.flagged, result.posted) == (3, 3, 0, True)
    tied = BalanceTransaction.objects.get(type="refund")
    assert (tied.refund, tied.payment, tied.amount) == (made, first, D("-1000.00"))
    assert ledger.balance("stripe_clearing") == D("0.00")
    assert ledger.balance("bank") == D("15991.90")
    assert not Flag.objects.filter(kind="unknown_charge").exists()
    assert reconcile.disagreements() == []


def test_an_unknown_charge_is_flagged_and_the_rest_of_the_payout_still_posts(
    stripe_account, two_card_payments
):
    first, _second = two_card_payments
    stranger = balance_transaction(amount=5000, fee=175, source=charge("pi_not_ours", 5000))
    adjustment = balance_transaction(
        amount=-1500, fee=0, type="adjustment", reporting_category="dispute", source="du_123"
    )
    txns = [card_charge(first, 29030), stranger, adjustment]
    paid = stripe_account.add_payout(payout(1000000 - 29030 + 5000 - 175 - 1500), txns)

    result = payouts.reconcile_payout(paid["id"])

    assert result.flagged == 2 and result.posted
    flags = Flag.objects.filter(kind="unknown_charge").order_by("pk")
    assert [f.key for f in flags] == [
        f"unknown_charge:{stranger['id']}",
        f"unknown_charge:{adjustment['id']}",
    ]
    assert "matches no payment here (payment intent pi_not_ours)" in flags[0].message
    assert "CHF 50.00, fee 1.75" in flags[0].message
    assert "adjustment" in flags[1].message
    assert BalanceTransaction.objects.get(stripe_id=stranger["id"]).payment is None
    assert ledger.balance("fees") == D("290.30")  # the stranger's fee is not ours to post
    # The payout reached the bank in full; the clearing account shows what is unexplained.
    assert ledger.balance("bank") == D("9742.95")
    # Globex's 7,500 is still in Stripe; 33.25 (the stranger's net, less the adjustment) left it
    # unexplained: the balance check will say so.
    assert ledger.balance("stripe_clearing") == D("7500.00") - D("33.25")
    # Read again: no second flag, no second posting.
    before = counts()
    payouts.reconcile_payout(paid["id"])
    assert counts() == before


def test_a_pending_payout_is_recorded_and_reconciled_once_paid(stripe_account, two_card_payments):
    first, _second = two_card_payments
    txns = [card_charge(first, 29030)]
    obj = stripe_account.add_payout(payout(1000000 - 29030, status="in_transit"), txns)

    result = payouts.reconcile_payout(obj["id"])

    assert result.transactions == 0 and Payout.objects.get().status == "in_transit"
    assert not stripe_account.calls("/v1/balance_transactions")
    assert ledger.balance("bank") == D("0.00")
    obj["status"] = "paid"
    assert payouts.reconcile_payout(obj["id"]).posted
    assert ledger.balance("bank") == D("9709.70")


def test_the_daily_run_posts_fees_of_money_not_yet_paid_out_and_checks_the_balance(
    stripe_account, two_card_payments
):
    first, second = two_card_payments
    older = card_charge(first, 29030)
    paid = stripe_account.add_payout(payout(1000000 - 29030), [older])
    newer = card_charge(second, 21780)  # still in Stripe's balance: no payout yet
    stripe_account.transactions.insert(0, newer | {"_payout": None})
    stripe_account.balance = {
        "available": [{"amount": 0, "currency": "chf", "source_types": {"card": 0}}],
        "pending": [{"amount": 750000 - 21780, "currency": "chf", "source_types": {"card": 1}}],
    }

    call_command("reconcile_stripe", stdout=open("/dev/null", "w"))

    assert Payout.objects.get(stripe_id=paid["id"]).reconciled_at is not None
    assert BalanceTransaction.objects.get(stripe_id=newer["id"]).payout is None
    assert ledger.balance("fees") == D("508.10")
    # What Stripe holds (7,282.20 pending) is what the clearing account reads: no flag.
    assert ledger.balance("stripe_clearing") == D("7282.20")
    assert not Flag.objects.filter(kind="stripe_balance").exists()


def test_the_balance_check_flags_a_difference_and_not_equality(stripe_account):
    stripe_account.balance = {"available": [], "pending": []}
    assert stripe_balance.check_balance() == []
    assert not Flag.objects.exists()

    stripe_account.balance = {
        "available": [{"amount": 12345, "currency": "chf"}],
        "pending": [{"amount": 5000, "currency": "eur"}],
    }
    differences = stripe_balance.check_balance()
    again = stripe_balance.check_balance()

    assert [(d.currency, d.stripe, d.ledger) for d in differences] == [
        ("CHF", D("123.45"), D("0.00")),
        ("EUR", D("50.00"), D("0.00")),
    ]
    assert again == differences
    flags = Flag.objects.filter(kind="stripe_balance").order_by("key")
    assert flags.count() == 2  # one per currency and day, however often it is checked
    assert "a difference of CHF 123.45" in flags[0].message


def test_the_command_refuses_bad_arguments_and_runs_without_stripe_keys_never(
    stripe_account, settings
):
    with pytest.raises(CommandError, match="is not a date"):
        call_command("reconcile_stripe", "--since", "04/12/2026")
    with pytest.raises(CommandError, match="not a Stripe payout id"):
        call_command("reconcile_stripe", "--payout", "ch_123")
    with pytest.raises(CommandError, match="resource_missing|could not be read"):
        call_command("reconcile_stripe", "--payout", "po_missing")
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CommandError, match="not configured"):
        call_command("reconcile_stripe")
    assert not Payout.objects.exists()


def test_the_payouts_bank_line_matches_the_payout_and_posts_nothing(
    stripe_account, two_card_payments
):
    first, _second = two_card_payments
    obj = stripe_account.add_payout(
        payout(1000000 - 29030, id="po_1QxYz2AbCdEf3GhI"), [card_charge(first, 29030)]
    )
    payouts.reconcile_payout(obj["id"])
    record = Payout.objects.get()
    bank_before = ledger.balance("bank")

    day = record.arrival_date
    # The id in another case, broken by a space and a line break, or the descriptor.
    assert match_payout("STRIPE PAYOUT PO_1QXYZ2 ABCDEF\n3GHI", "9709.70", "chf", day)
    assert match_payout("ITU-D Sponsorship / Stripe", D("9709.70"), "CHF", day) == record
    # The amount or currency must be the payout's; a pledge's reference is not a payout.
    assert match_payout("po_1QxYz2AbCdEf3GhI", "9709.00", "CHF", day) is None
    assert match_payout("po_1QxYz2AbCdEf3GhI", "9709.70", "EUR", day) is None
    assert match_payout("SP-2026-000123", "9709.70", "CHF", day) is None

    link_bank_line(record, line_id=41, reference="CAMT-2026-12-05-7")
    link_bank_line(record, line_id=41, reference="CAMT-2026-12-05-7")  # again: nothing
    record.refresh_from_db()
    assert (record.bank_line_id, record.bank_reference) == (41, "CAMT-2026-12-05-7")
    assert ledger.balance("bank") == bank_before  # posted once, when reconciled
    assert match_payout("po_1QxYz2AbCdEf3GhI", "9709.70", "CHF", day) is None
    with pytest.raises(PayoutError, match="already matched to bank line 41"):
        link_bank_line(record, line_id=42)
    assert record.history.last().step_label == "Matched to the bank statement"


def test_two_payouts_with_one_descriptor_are_told_apart_by_date_or_not_at_all(stripe_account):
    for day, po in ((1, "po_early"), (4, "po_late")):
        obj = payout(50000, id=po)
        obj["arrival_date"] += day * 86400
        payouts.record_payout(obj)
    early = Payout.objects.get(stripe_id="po_early")
    late = Payout.objects.get(stripe_id="po_late")
    assert match_payout("ITU-D SPONSORSHIP", "500", "CHF", late.arrival_date) == late
    assert match_payout("ITU-D SPONSORSHIP", "500", "CHF", early.arrival_date) == early
    assert match_payout("ITU-D SPONSORSHIP", "500", "CHF") is None


def test_the_statement_importer_claims_the_payouts_line_once(stripe_account):
    payouts.record_payout(payout(1234500, id="po_1Claim"))
    record = Payout.objects.get()

    def line(pk, remittance, amount="12345.00"):
        return SimpleNamespace(
            pk=pk,
            remittance=remittance,
            amount=D(amount),
            currency="CHF",
            value_date=record.arrival_date,
            bank_reference=f"NTRY-{pk}",
        )

    assert claim_line(line(7, "Payment SP-2026-000001")) is None
    assert claim_line(line(8, "STRIPE po_1claim", amount="12000.00")) is None
    assert claim_line(line(9, "STRIPE\nPO_1CLAIM")) == record
    record.refresh_from_db()
    assert (record.bank_line_id, record.bank_reference) == (9, "NTRY-9")
    assert claim_line(line(10, "STRIPE PO_1CLAIM")) is None  # a second line is not the payout's


def test_finance_reads_the_payouts_list_and_detail_and_others_may_not(
    client, django_user_model, stripe_account, two_card_payments
):
    first, _second = two_card_payments
    stranger = balance_transaction(amount=5000, fee=175, source=charge("pi_not_ours", 5000))
    obj = stripe_account.add_payout(
        payout(1000000 - 29030 + 5000 - 175, id="po_Admin1"), [card_charge(first, 29030), stranger]
    )
    payouts.reconcile_payout(obj["id"])
    record = Payout.objects.get()
    ensure_finance_permissions()
    fatima = django_user_model.objects.create_user("fatima", "finance@example.org", "x")
    fatima.groups.add(Group.objects.get(name="Finance"))
    urls = ["/admin/finance/stripe-payouts/", f"/admin/finance/stripe-payouts/inspect/{record.pk}/"]

    client.force_login(fatima)
    listing = client.get(urls[0]).content.decode()
    detail = client.get(urls[1]).content.decode()

    assert "po_Admin1" in listing and "CHF\xa010,050.00" in listing and "CHF\xa0292.05" in listing
    assert 'data-total="fees">CHF 292.05<' in detail.replace("\xa0", " ")
    assert 'data-total="net">CHF 9,757.95<' in detail.replace("\xa0", " ")
    assert 'data-bank-matched="no"' in detail and str(first) in detail
    assert "matches no payment here" in detail
    other = django_user_model.objects.create_user("o", "o@example.org", "x", is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    for url in urls:
        assert client.get(url).status_code in (302, 403), url


def test_beat_reconciles_stripe_daily_and_the_webhook_hook_is_finances(stripe_account):
    entry = app.conf.beat_schedule["reconcile-stripe"]
    assert entry["task"] == tasks.reconcile_stripe.name
    assert entry["schedule"] == crontab(hour=5, minute=43)
    assert PAYOUT_PAID.describe() == [
        (10, "record the payout and queue its reconciliation (finance)")
    ]
    stripe_account.balance = {"available": [{"amount": 0, "currency": "chf"}], "pending": []}
    assert tasks.reconcile_stripe.delay().get() == "0 payouts read, 0 balance differences"


def test_the_daily_task_does_nothing_without_stripe_keys(settings, stripe_account):
    settings.STRIPE_SECRET_KEY = ""
    assert tasks.reconcile_stripe.delay().get() == "skipped: Stripe is not configured"
    assert stripe_account.requests == []
