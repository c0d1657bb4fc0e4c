# ruff: noqa: F811 (the money stories' fixtures, imported, are named as arguments)
"""`void_stale_invoices`: pledges closed before closing voided their invoice (a database built
the old way: the state written without the `PLEDGE_CLOSED` step) get their open invoice voided
by a credit note referring to it; paid and already-voided invoices are left alone; a second run
does nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.finance import reconcile
from marketplace.finance.balance import balance_of
from marketplace.finance.invoices import invoice_status, request_invoice
from marketplace.finance.models import CreditNote, Invoice
from marketplace.pledges.models import Pledge
from marketplace.pledges.moves import cancel
from tests.factories import make_package, pledge_for
from tests.finance.test_money_stories import (  # noqa: F401 (fixtures)
    fresh,
    headline,
    transfer,
)

pytestmark = pytest.mark.django_db


def closed_the_old_way(pledge, status):
    """What a pledge closed before the void step looks like: its state moved, its invoice not."""
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    return fresh(pledge)


def run(*args) -> str:
    out = StringIO()
    call_command("void_stale_invoices", *args, stdout=out)
    return out.getvalue()


def test_old_closed_pledges_get_their_open_invoices_voided_once(sponsor, headline, event):
    dinner = make_package(event, title="Dinner", slug="dinner-s", price="8000.00", capacity=3)
    lunch = make_package(event, title="Lunch", slug="lunch-s", price="3000.00", capacity=3)
    wifi = make_package(event, title="Wi-Fi", slug="wifi-s", price="2000.00", capacity=3)
    cancelled = pledge_for(sponsor, dinner, payment_method="bank_transfer")
    expired = pledge_for(sponsor, lunch, payment_method="bank_transfer")
    paid = pledge_for(sponsor, headline, payment_method="bank_transfer")
    voided = pledge_for(sponsor, wifi, payment_method="bank_transfer")
    stale_1 = request_invoice(cancelled, user=sponsor[0])
    stale_2 = request_invoice(expired, user=sponsor[0])
    paid_invoice = request_invoice(paid, user=sponsor[0])
    request_invoice(voided, user=sponsor[0])
    transfer(paid, "40000.00", "BANK-P")
    cancel(fresh(voided), actor=None, reason="Changed plans")  # the new way: voided already
    closed_the_old_way(cancelled, "cancelled")
    closed_the_old_way(expired, "expired")
    assert balance_of(fresh(cancelled)).due == 0  # the one balance knew already …
    assert invoice_status(stale_1) == "open"  # … the invoice did not
    notes_before = CreditNote.objects.count()

    listed = run("--dry-run")

    assert stale_1.number in listed and stale_2.number in listed
    assert paid_invoice.number not in listed
    assert CreditNote.objects.count() == notes_before

    output = run()

    assert "2 invoice(s)" in output
    for invoice in (stale_1, stale_2):
        invoice = Invoice.objects.get(pk=invoice.pk)
        note = invoice.void_note
        assert invoice_status(invoice) == "void"
        assert note.amount == invoice.amount and note.currency == invoice.currency
        assert invoice.number in note.lines[0]["description"]
        assert "Voided afterwards" in note.reason
    assert "expired unpaid" in Invoice.objects.get(pk=stale_2.pk).void_note.reason
    assert invoice_status(Invoice.objects.get(pk=paid_invoice.pk)) == "paid"
    assert CreditNote.objects.count() == notes_before + 2
    assert reconcile.disagreements() == []

    again = run()

    assert "0 invoice(s)" in again
    assert CreditNote.objects.count() == notes_before + 2
