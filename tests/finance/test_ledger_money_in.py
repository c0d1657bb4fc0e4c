# ruff: noqa: F811 (the money stories' fixtures, imported, are named as arguments)
"""The money-in stories post to the ledger as they happen: unallocated money held, then
allocated (the bank counts the transfer once), bank charges, write-offs and void credit notes —
and `check_ledger` finds nothing to say about any of them."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from marketplace.finance import ledger, reconcile, unallocated
from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import JournalEntry
from marketplace.pledges.moves import cancel
from tests.factories import make_package, pledge_for
from tests.finance.test_money_stories import (  # noqa: F401 (fixtures)
    finance_user,
    fresh,
    headline,
    invoiced,
    transfer,
)

pytestmark = pytest.mark.django_db


def assert_the_ledger_agrees():
    for entry in JournalEntry.objects.prefetch_related("lines"):
        lines = list(entry.lines.all())
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines), entry
    assert reconcile.disagreements() == []


def test_unallocated_money_is_held_then_allocated_and_the_bank_counts_it_once(
    sponsor,
    headline,
    finance_user,
    event,
):
    dinner = make_package(event, title="Dinner", slug="dinner-l", price="15000.00", capacity=1)
    first = pledge_for(sponsor, headline, payment_method="bank_transfer")
    second = pledge_for(sponsor, dinner, payment_method="bank_transfer")
    inv1 = request_invoice(first, user=sponsor[0])
    inv2 = request_invoice(second, user=sponsor[0])
    money = unallocated.record_unallocated(
        amount="60000.00",
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="CAMT-9",
        payer_name="ACME AG",
        actor=finance_user,
    )
    assert ledger.balance("bank") == D("60000.00")
    assert ledger.balance("unallocated") == D("-60000.00")  # held for whoever sent it

    unallocated.allocate(
        money, [(inv1.number, "40000.00"), (inv2.number, "15000.00")], actor=finance_user
    )

    assert ledger.balance("bank") == D("60000.00")
    assert ledger.balance("unallocated") == D("-5000.00")  # what is left of the transfer
    assert ledger.balance("receivable", pledge=fresh(first)) == 0
    assert ledger.balance("receivable", pledge=fresh(second)) == 0
    assert_the_ledger_agrees()


def test_bank_charges_and_write_offs_clear_the_receivable(
    invoiced,
    finance_user,
    settings,
):
    settings.BANK_CHARGE_TOLERANCE = 50
    pledge, _invoice = invoiced
    transfer(pledge, "39970.00", "BANK-1")
    unallocated.book_bank_charge(fresh(pledge), actor=finance_user)
    assert ledger.balance("bank_charges") == D("30.00")
    assert ledger.balance("receivable", pledge=pledge) == 0
    assert ledger.balance("bank") == D("39970.00")
    assert_the_ledger_agrees()


def test_a_write_off_is_an_expense_off_the_receivable(invoiced, finance_user):
    pledge, _invoice = invoiced
    transfer(pledge, "39880.00", "BANK-1")
    unallocated.write_off(fresh(pledge), reason="Rounding agreed by phone", actor=finance_user)
    assert ledger.balance("write_offs") == D("120.00")
    assert ledger.balance("receivable", pledge=pledge) == 0
    assert_the_ledger_agrees()


def test_a_void_credit_note_reverses_the_invoice(invoiced, sponsor):
    pledge, _invoice = invoiced
    assert ledger.balance("receivable", pledge=pledge) == D("40000.00")
    cancel(fresh(pledge), actor=sponsor[0], by_sponsor=True)
    assert ledger.balance("receivable", pledge=pledge) == 0
    assert ledger.balance("revenue") == 0
    assert_the_ledger_agrees()
