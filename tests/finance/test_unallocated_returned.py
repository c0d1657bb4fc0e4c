# ruff: noqa: F811 (the money stories' fixtures, imported, are named as arguments)
"""Unallocated money sent back: marked to return (the money is still in the bank), then
recorded as returned with its date and bank reference (only then does the ledger move it out of
the bank), audited, from the finance workspace with a confirmation."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from marketplace.core.states import InvalidMove
from marketplace.finance import ledger, reconcile, unallocated
from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import JournalEntry, PostingKind, UnallocatedTransfer
from marketplace.payments.errors import PaymentError
from tests.factories import pledge_for
from tests.finance.test_money_stories import (  # noqa: F401 (fixtures)
    finance_user,
    headline,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def received(actor, amount="5000.00", currency="EUR", reference="CAMT-51", days_ago=3):
    return unallocated.record_unallocated(
        amount=amount,
        currency=currency,
        value_date=TODAY() - datetime.timedelta(days=days_ago),
        bank_reference=reference,
        payer_name="Unknown GmbH",
        actor=actor,
    )


def test_money_leaves_the_bank_when_returned_not_when_marked(finance_user):
    money = received(finance_user)
    unallocated.mark_to_return(money, reason="Wrong currency, no pledge", actor=finance_user)

    # Marked: still ours to send back, still in the bank, still held as unallocated.
    assert ledger.balance("bank", currency="EUR") == D("5000.00")
    assert ledger.balance("unallocated", currency="EUR") == D("-5000.00")
    assert not JournalEntry.objects.filter(kind=PostingKind.UNALLOCATED_RETURN).exists()

    unallocated.mark_returned(
        money, returned_on=TODAY(), bank_reference="OUT-2026-77", actor=finance_user
    )

    money.refresh_from_db()
    assert money.status == "returned"
    assert money.returned_amount == D("5000.00") and money.remaining == 0
    assert money.returned_on == TODAY() and money.return_reference == "OUT-2026-77"
    entry = JournalEntry.objects.get(kind=PostingKind.UNALLOCATED_RETURN)
    assert entry.date == TODAY() and entry.document == "OUT-2026-77"
    assert ledger.balance("bank", currency="EUR") == 0
    assert ledger.balance("unallocated", currency="EUR") == 0
    steps = list(money.history.order_by("pk"))
    assert [s.to_state for s in steps] == ["unallocated", "to_return", "returned"]
    assert steps[-1].actor == finance_user and "OUT-2026-77" in steps[-1].reason
    assert reconcile.disagreements() == []


def test_only_what_is_left_after_an_allocation_goes_back(sponsor, headline, finance_user):
    pledge = pledge_for(sponsor, headline, payment_method="bank_transfer")
    invoice = request_invoice(pledge, user=sponsor[0])
    money = received(finance_user, amount="41000.00", currency="CHF", reference="CAMT-52")
    unallocated.allocate(money, [(invoice.number, "40000.00")], actor=finance_user)
    unallocated.mark_to_return(money, reason="Paid 1,000 too much", actor=finance_user)

    unallocated.mark_returned(
        money, returned_on=TODAY(), bank_reference="OUT-52", actor=finance_user
    )

    money.refresh_from_db()
    assert money.returned_amount == D("1000.00") and money.remaining == 0
    assert ledger.balance("unallocated", currency="CHF") == 0
    assert ledger.balance("bank", currency="CHF") == D("40000.00")
    assert reconcile.disagreements() == []


@pytest.mark.parametrize(
    ("returned_on", "reference", "field"),
    [
        (lambda: TODAY() + datetime.timedelta(days=1), "OUT-1", "returned_on"),
        (lambda: TODAY() - datetime.timedelta(days=10), "OUT-1", "returned_on"),
        (lambda: None, "OUT-1", "returned_on"),
        (TODAY, "  ", "bank_reference"),
    ],
)
def test_a_bad_return_is_refused_and_changes_nothing(finance_user, returned_on, reference, field):
    money = received(finance_user)  # arrived three days ago
    unallocated.mark_to_return(money, reason="No pledge", actor=finance_user)

    with pytest.raises(PaymentError) as refused:
        unallocated.mark_returned(
            money, returned_on=returned_on(), bank_reference=reference, actor=finance_user
        )

    assert refused.value.field == field
    money.refresh_from_db()
    assert money.status == "to_return" and money.returned_amount is None
    assert money.history.count() == 2
    assert not JournalEntry.objects.filter(kind=PostingKind.UNALLOCATED_RETURN).exists()


def test_money_not_marked_to_return_cannot_be_returned_nor_returned_twice(finance_user):
    money = received(finance_user)
    with pytest.raises(InvalidMove, match="cannot go from"):
        unallocated.mark_returned(
            money, returned_on=TODAY(), bank_reference="OUT-1", actor=finance_user
        )
    unallocated.mark_to_return(money, reason="No pledge", actor=finance_user)
    unallocated.mark_returned(
        money, returned_on=TODAY(), bank_reference="OUT-1", actor=finance_user
    )
    with pytest.raises(InvalidMove, match="cannot go from"):
        unallocated.mark_returned(
            money, returned_on=TODAY(), bank_reference="OUT-2", actor=finance_user
        )
    assert JournalEntry.objects.filter(kind=PostingKind.UNALLOCATED_RETURN).count() == 1
    with pytest.raises(InvalidMove):
        unallocated.allocate(money, [("PLG-X", "1.00")], actor=finance_user)


def test_check_ledger_catches_a_return_the_ledger_missed(finance_user):
    money = received(finance_user)
    unallocated.mark_to_return(money, reason="No pledge", actor=finance_user)
    assert reconcile.disagreements() == []
    # The old way: the transfer said "returned" but the ledger still held the money.
    UnallocatedTransfer.objects.filter(pk=money.pk).update(
        status="returned", returned_amount=D("5000.00"), returned_on=TODAY()
    )

    problems = reconcile.disagreements()

    assert any("EUR" in p and "unallocated" in p.lower() for p in problems), problems


def test_finance_records_the_return_from_the_list_with_a_confirmation(
    client, finance_user, django_user_model
):
    money = received(finance_user)
    unallocated.mark_to_return(money, reason="No pledge", actor=finance_user)
    url = f"/admin/finance/unallocated/returned/{money.pk}/"

    staff = django_user_model.objects.create_user("org", "org@example.org", "x", is_staff=True)
    client.force_login(staff)
    assert client.post(url, {}).status_code in (302, 403)

    client.force_login(finance_user)
    listing = client.get("/admin/finance/unallocated/").content.decode()
    assert url in listing and 'data-transfer-action="returned"' in listing
    page = client.get(url).content.decode()
    assert "EUR\xa05,000" in page

    unconfirmed = client.post(url, {"returned_on": TODAY().isoformat(), "bank_reference": "OUT-9"})
    assert unconfirmed.status_code == 200
    assert "Tick the box" in unconfirmed.content.decode()
    money.refresh_from_db()
    assert money.status == "to_return"

    done = client.post(
        url, {"returned_on": TODAY().isoformat(), "bank_reference": "OUT-9", "confirm": "on"}
    )
    assert done.status_code == 302
    money.refresh_from_db()
    assert money.status == "returned" and money.return_reference == "OUT-9"
    inspect = client.get(f"/admin/finance/unallocated/inspect/{money.pk}/").content.decode()
    assert 'data-transfer-action="returned"' not in inspect and "OUT-9" in inspect
