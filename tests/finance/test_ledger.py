"""The double-entry ledger: each money event posts one balanced entry in its transaction, the
entries never change, `check_ledger` proves the ledger agrees with documents and payments (and
catches an entry broken by hand), `export_journal` writes the journal, `backfill_ledger` posts
what came before."""

import csv
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.finance import ledger, reconcile
from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import JournalEntry, JournalLine, LedgerImmutable, PostingKind
from marketplace.payments.bank import record_transfer
from marketplace.payments.checkout import start_card_payment
from marketplace.payments.hooks import PAYMENT_RECEIVED
from marketplace.payments.refunds import refund_payment
from marketplace.pledges.hooks import PLEDGE_PAID
from marketplace.pledges.models import Pledge
from tests.factories import make_package, pledge_for
from tests.payments import stripe_fake
from tests.payments.stripe_fake import completed_session, event, post_webhook

D = Decimal


@pytest.fixture
def finance_user(django_user_model):
    return django_user_model.objects.create_user("fin", "fin@example.org", "x")


def transfer(pledge, amount, reference, user=None, value_date=None):
    return record_transfer(
        pledge,
        amount=amount,
        currency=pledge.currency,
        value_date=value_date or timezone.localdate(),
        bank_reference=reference,
        actor=user,
    )


@pytest.fixture
def paid_by_card(client, card_pledge, sponsor, fake_stripe):
    payment = start_card_payment(card_pledge, user=sponsor[0])
    post_webhook(client, event("checkout.session.completed", completed_session(payment)))
    payment.refresh_from_db()
    return payment


def lines_of(kind):
    return sorted(
        (line.account, line.debit, line.credit)
        for line in JournalLine.objects.filter(entry__kind=kind)
    )


def assert_every_entry_balances():
    for entry in JournalEntry.objects.prefetch_related("lines"):
        lines = list(entry.lines.all())
        assert len(lines) >= 2, entry
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines), entry


def test_invoice_then_two_transfers_post_balanced_entries_and_clear_the_receivable(
    bank_pledge, sponsor, finance_user
):
    invoice = request_invoice(bank_pledge, user=sponsor[0])
    assert lines_of(PostingKind.INVOICE) == [
        ("receivable", D("10000.00"), D("0")),
        ("revenue", D("0"), D("10000.00")),
    ]
    entry = JournalEntry.objects.get(kind=PostingKind.INVOICE)
    assert (entry.invoice, entry.document, entry.currency) == (invoice, invoice.number, "CHF")
    assert entry.lines.get(account="revenue").event_id == bank_pledge.event_id

    transfer(bank_pledge, "7500", "BANK-1", finance_user)  # a part-payment posts at once
    assert ledger.balance("receivable", pledge=bank_pledge) == D("2500.00")
    assert ledger.balance("bank", currency="CHF") == D("7500.00")

    transfer(bank_pledge, "2500", "BANK-2", finance_user)
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "paid"
    assert ledger.balance("receivable", pledge=bank_pledge) == D("0.00")
    assert ledger.balance("revenue", pledge=bank_pledge) == D("-10000.00")  # credit balance
    assert not JournalEntry.objects.filter(kind=PostingKind.SALE).exists()  # the invoice did
    assert JournalEntry.objects.filter(kind=PostingKind.PAYMENT).count() == 2
    assert_every_entry_balances()
    assert reconcile.disagreements() == []


def test_a_card_payment_books_the_sale_and_the_clearing_account(paid_by_card):
    assert lines_of(PostingKind.SALE) == [
        ("receivable", D("10000.00"), D("0")),
        ("revenue", D("0"), D("10000.00")),
    ]
    assert lines_of(PostingKind.PAYMENT) == [
        ("receivable", D("0"), D("10000.00")),
        ("stripe_clearing", D("10000.00"), D("0")),
    ]
    payment_entry = JournalEntry.objects.get(kind=PostingKind.PAYMENT)
    assert payment_entry.payment == paid_by_card
    assert payment_entry.document == paid_by_card.stripe_payment_intent
    assert ledger.balance("receivable") == D("0.00")
    assert reconcile.disagreements() == []


def test_a_refund_and_its_credit_note_leave_the_refund_as_the_only_trace(
    paid_by_card, finance_user
):
    refund_payment(paid_by_card, amount="10000.00", reason="Event cancelled", actor=finance_user)
    assert lines_of(PostingKind.REFUND) == [
        ("receivable", D("10000.00"), D("0")),
        ("stripe_clearing", D("0"), D("10000.00")),
    ]
    assert lines_of(PostingKind.CREDIT_NOTE) == [
        ("receivable", D("0"), D("10000.00")),
        ("refunds", D("10000.00"), D("0")),
    ]
    assert ledger.balance("receivable") == D("0.00")
    assert ledger.balance("stripe_clearing") == D("0.00")
    assert ledger.balance("refunds") == D("10000.00")
    assert_every_entry_balances()
    assert reconcile.disagreements() == []


def test_a_stripe_fee_from_the_balance_transaction(paid_by_card):
    amount, currency = ledger.fee_from_balance_transaction(
        {"object": "balance_transaction", "id": "txn_1", "fee": 32050, "currency": "chf"}
    )
    assert (amount, currency) == (D("320.50"), "CHF")
    ledger.post_stripe_fee(paid_by_card, amount, currency=currency, document="txn_1")
    ledger.post_stripe_fee(paid_by_card, amount, currency=currency, document="txn_1")  # once
    assert lines_of(PostingKind.STRIPE_FEE) == [
        ("fees", D("320.50"), D("0")),
        ("stripe_clearing", D("0"), D("320.50")),
    ]
    assert ledger.balance("stripe_clearing") == D("9679.50")


def test_plain_postings_for_unallocated_money_bank_charges_and_write_offs(bank_pledge, sponsor):
    request_invoice(bank_pledge, user=sponsor[0])
    ledger.post_unallocated_receipt("9980", "CHF", source="unallocated:1", document="STMT-9")
    ledger.post_allocation("9980", "CHF", source="allocation:1", pledge=bank_pledge)
    ledger.post_bank_charge("15", "CHF", source="charge:1", pledge=bank_pledge)
    ledger.post_write_off("5", "CHF", source="writeoff:1", pledge=bank_pledge)
    assert ledger.balance("receivable", pledge=bank_pledge) == D("0.00")
    assert ledger.balance("unallocated") == D("0.00")
    assert ledger.balance("bank") == D("9980.00")
    assert ledger.balance("bank_charges") == D("15.00")
    assert ledger.balance("write_offs") == D("5.00")
    assert_every_entry_balances()


def test_a_posting_that_does_not_balance_or_names_no_account_writes_nothing(bank_pledge):
    with pytest.raises(ledger.LedgerError, match="debits"):
        ledger.post(
            PostingKind.WRITE_OFF,
            "bad:1",
            legs=[ledger.Leg("write_offs", debit=D("10")), ledger.Leg("receivable", credit=D("9"))],
            currency="CHF",
        )
    with pytest.raises(ledger.LedgerError, match="not an account"):
        ledger.post(
            PostingKind.WRITE_OFF,
            "bad:3",
            legs=[ledger.Leg("petty_cash", debit=D("1")), ledger.Leg("receivable", credit=D("1"))],
            currency="CHF",
        )
    with pytest.raises(ledger.LedgerError):
        ledger.post_write_off("-5", "CHF", source="bad:4", pledge=bank_pledge)
    assert not JournalEntry.objects.filter(source__in=["bad:1", "bad:3", "bad:4"]).exists()


def test_entries_and_lines_cannot_be_changed_or_deleted(paid_by_card):
    entry = JournalEntry.objects.first()
    line = entry.lines.first()
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        JournalEntry.objects.update(document="x")
    with pytest.raises(LedgerImmutable):
        JournalLine.objects.filter(pk=line.pk).update(debit=D("1"))
    with pytest.raises(LedgerImmutable):
        JournalLine.objects.all().delete()
    with pytest.raises(LedgerImmutable):
        line.save()


def test_check_ledger_passes_then_catches_an_entry_broken_by_hand(
    bank_pledge, sponsor, finance_user, capsys
):
    invoice = request_invoice(bank_pledge, user=sponsor[0])
    transfer(bank_pledge, "10000", "BANK-OK", finance_user)
    call_command("check_ledger")
    assert "The ledger agrees" in capsys.readouterr().out

    line = JournalLine.objects.get(entry__invoice=invoice, account="receivable")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {JournalLine._meta.db_table} SET debit = %s WHERE id = %s",
            ["9000.00", line.pk],
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_ledger")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    name = f"JE-{line.entry_id:07d} (invoice:{invoice.pk})"
    assert f"DISAGREES: {name}: does not balance, debits 9000.00 ≠ credits 10000.00 CHF." in out
    assert f"DISAGREES: Invoice {invoice.number} is CHF 10000.00 but {name} posts" in out


def test_check_ledger_names_a_payment_without_its_entry(bank_pledge, sponsor, finance_user):
    payment, _outcome = transfer(bank_pledge, "4000", "BANK-P", finance_user)
    entry = JournalEntry.objects.get(payment=payment)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {JournalLine._meta.db_table} WHERE entry_id = %s", [entry.pk])
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE id = %s", [entry.pk])
    assert reconcile.disagreements() == [
        f"Payment {payment.public_id} (CHF 4000.00) has no journal entry."
    ]


def test_backfill_posts_what_existed_before_the_ledger_once(
    paid_by_card, event, sponsor, finance_user
):
    stand = make_package(event, title="Stand", slug="stand", price="3000.00", capacity=5)
    bank_pledge = pledge_for(sponsor, stand, quantity=1, payment_method="bank_transfer")
    request_invoice(bank_pledge, user=sponsor[0])
    transfer(bank_pledge, "3000", "BANK-B", finance_user)
    refund_payment(paid_by_card, amount="2500.00", reason="Smaller stand", actor=finance_user)
    before = sorted(
        (e.source, e.kind, tuple(sorted((x.account, x.debit, x.credit) for x in e.lines.all())))
        for e in JournalEntry.objects.prefetch_related("lines")
    )
    with connection.cursor() as cursor:  # as if the ledger had not existed
        cursor.execute(f"DELETE FROM {JournalLine._meta.db_table}")
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table}")
    call_command("backfill_ledger")
    call_command("backfill_ledger")  # a second run posts nothing more
    after = sorted(
        (e.source, e.kind, tuple(sorted((x.account, x.debit, x.credit) for x in e.lines.all())))
        for e in JournalEntry.objects.prefetch_related("lines")
    )
    assert after == before
    assert reconcile.disagreements() == []


def test_export_journal_writes_the_lines_in_the_date_range(
    bank_pledge, sponsor, finance_user, tmp_path
):
    request_invoice(bank_pledge, user=sponsor[0])
    today = timezone.localdate()
    transfer(bank_pledge, "10000", "=HYPERLINK(1)", finance_user, value_date=today)
    out = tmp_path / "journal.csv"
    call_command("export_journal", str(out), "--from", str(today), "--to", str(today))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0])[:9] == [
        "date",
        "entry",
        "account",
        "debit",
        "credit",
        "currency",
        "event",
        "document",
        "organisation",
    ]
    assert len(rows) == 4
    assert {r["date"] for r in rows} == {today.isoformat()}
    assert [(r["account"], r["debit"], r["credit"]) for r in rows] == [
        ("1100", "10000.00", "0.00"),
        ("4000", "0.00", "10000.00"),
        ("1020", "10000.00", "0.00"),
        ("1100", "0.00", "10000.00"),
    ]
    assert rows[2]["document"] == "'=HYPERLINK(1)"  # neutralised
    assert rows[0]["organisation"] == "Acme Ltd" and rows[0]["event"] == bank_pledge.event.title
    for entry in {r["entry"] for r in rows}:
        mine = [r for r in rows if r["entry"] == entry]
        assert sum(D(r["debit"]) for r in mine) == sum(D(r["credit"]) for r in mine)

    empty = tmp_path / "empty.csv"
    yesterday = today - timezone.timedelta(days=1)
    call_command("export_journal", str(empty), "--from", "2000-01-01", "--to", str(yesterday))
    assert len(list(csv.DictReader(empty.open(encoding="utf-8")))) == 0


def test_export_journal_refuses_a_malformed_date(tmp_path):
    with pytest.raises(CommandError, match="--from"):
        call_command("export_journal", str(tmp_path / "j.csv"), "--from", "31/12/2026")
    assert not (tmp_path / "j.csv").exists()


def test_posting_a_card_payment_adds_a_handful_of_queries_to_the_webhook(
    client, event, sponsor, fake_stripe, monkeypatch
):
    """The ledger's share of a webhook: its entries and lines, and one check each (no lazy
    load of the pledge or the organisation)."""
    package = make_package(
        event, title="Stand", slug="stand", price="1000.00", capacity=None, max_per_sponsor=10
    )

    def settle_one(index):
        pledge = pledge_for(sponsor, package, quantity=1, payment_method="card")
        payment = start_card_payment(pledge, user=sponsor[0])
        body = stripe_fake.event("checkout.session.completed", completed_session(payment))
        with CaptureQueriesContext(connection) as captured:
            assert post_webhook(client, body).status_code == 200
        return [q["sql"] for q in captured.captured_queries if "finance_journal" in q["sql"]]

    settle_one(0)  # warm
    with_ledger = settle_one(1)
    for hook in (PLEDGE_PAID, PAYMENT_RECEIVED):
        monkeypatch.setattr(
            hook, "_steps", [step for step in hook._steps if "ledger" not in step.name]
        )
    without = settle_one(2)
    assert without == []
    # the payment: a check and one INSERT (entry and lines); the sale: its revenue and one INSERT
    assert len(with_ledger) == (4 if connection.vendor == "postgresql" else 6), with_ledger
