"""The money stories of a pledge, told by its one balance: refunds, cancellations with an open
invoice, part-payments, unallocated money, bank charges, write-offs, re-issued invoices."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from marketplace.core.roles import FINANCE
from marketplace.finance import unallocated
from marketplace.finance.balance import balance_of
from marketplace.finance.invoices import invoice_status, reissue_invoice, request_invoice
from marketplace.finance.models import (
    Adjustment,
    CreditNote,
    Invoice,
    PaymentAcknowledgement,
    Receipt,
    UnallocatedChange,
    UnallocatedTransfer,
)
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.payments.bank import record_transfer
from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Payment
from marketplace.payments.refunds import refund_payment
from marketplace.pledges.models import Pledge
from marketplace.pledges.moves import cancel, expire_overdue
from tests.factories import make_package, pledge_for

TODAY = timezone.localdate


@pytest.fixture
def headline(event):
    """One headline sponsorship of CHF 40,000."""
    return make_package(event, title="Headline", slug="headline", price="40000.00", capacity=2)


@pytest.fixture
def finance_user(django_user_model):
    ensure_finance_permissions()
    user = django_user_model.objects.create_user("fin", "fin@example.org", "x")
    user.groups.add(Group.objects.get(name=FINANCE))
    return user


@pytest.fixture
def invoiced(sponsor, headline):
    pledge = pledge_for(sponsor, headline, payment_method="bank_transfer")
    invoice = request_invoice(pledge, user=sponsor[0])
    return Pledge.objects.get(pk=pledge.pk), invoice


def transfer(pledge, amount, reference):
    return record_transfer(
        pledge,
        amount=amount,
        currency=pledge.currency,
        value_date=TODAY(),
        bank_reference=reference,
        actor=None,
    )


def fresh(pledge):
    return Pledge.objects.get(pk=pledge.pk)


# --- Refund → nothing due ------------------------------------------------------------------


def test_a_partly_refunded_pledge_owes_nothing_and_says_so(invoiced, finance_user, client, sponsor):
    pledge, invoice = invoiced
    payment, _ = transfer(pledge, "40000.00", "BANK-1")
    refund_payment(payment, amount="5000.00", reason="Dinner dropped", actor=finance_user)

    pledge = fresh(pledge)
    balance = balance_of(pledge)
    assert pledge.status == "partially_refunded"
    assert (balance.received, balance.refunded, balance.due) == (
        Decimal("40000.00"),
        Decimal("5000.00"),
        Decimal("0.00"),
    )
    assert invoice_status(invoice) == "paid"
    [note] = CreditNote.objects.all()
    assert note.receipt == Receipt.objects.get() and note.amount == Decimal("5000.00")

    client.force_login(sponsor[0])
    page = client.get(f"/account/pledges/{pledge.public_id}/").content.decode()
    assert "Still due" in page  # the line is there, with nothing on it
    assert "data-amount-due>CHF\xa00.00<" in page
    assert note.number in page  # the sponsor sees the credit note


def test_a_fully_refunded_pledge_owes_nothing_and_its_next_step_says_refunded(
    invoiced, finance_user, client, sponsor
):
    pledge, _invoice = invoiced
    payment, _ = transfer(pledge, "40000.00", "BANK-1")
    refund_payment(payment, amount="40000.00", reason="Event cancelled", actor=finance_user)

    pledge = fresh(pledge)
    assert pledge.status == "refunded" and balance_of(pledge).due == 0
    client.force_login(sponsor[0])
    page = client.get(f"/account/pledges/{pledge.public_id}/").content.decode()
    assert "Nothing to do: the pledge was refunded." in page
    assert "<strong>CHF" not in page.split("data-amount-due>")[1][:40]


# --- Cancel / expire with an open invoice → void credit note ---------------------------------


def test_cancelling_a_pledge_voids_its_open_invoice_by_a_credit_note(invoiced, sponsor, client):
    pledge, invoice = invoiced
    assert balance_of(pledge).due == Decimal("40000.00") and invoice_status(invoice) == "open"

    cancel(pledge, actor=sponsor[0], by_sponsor=True)

    pledge = fresh(pledge)
    [note] = CreditNote.objects.all()
    assert note.invoice == invoice and note.receipt is None and note.refund is None
    assert note.amount == invoice.amount
    assert invoice.number in note.lines[0]["description"]
    assert Decimal(note.lines[1]["amount"]) == -invoice.amount
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.is_void and invoice_status(invoice) == "void"
    balance = balance_of(pledge)
    assert (balance.due, balance.invoiced, balance.credited) == (0, 0, Decimal("40000.00"))

    client.force_login(sponsor[0])
    page = client.get(f"/account/pledges/{pledge.public_id}/").content.decode()
    assert f'data-document="{invoice.number}" data-status="void"' in page
    assert note.number in page and f"Cancels {invoice.number}" in page


def test_an_expired_hold_voids_the_invoice_once(invoiced):
    pledge, invoice = invoiced
    assert expire_overdue(now=pledge.expires_at + datetime.timedelta(minutes=1)) == 1
    assert expire_overdue(now=pledge.expires_at + datetime.timedelta(minutes=2)) == 0
    assert CreditNote.objects.get().invoice == invoice
    assert balance_of(fresh(pledge)).due == 0


def test_money_received_for_a_cancelled_pledge_is_held_not_due(invoiced, sponsor):
    pledge, _invoice = invoiced
    transfer(pledge, "10000.00", "BANK-1")
    cancel(fresh(pledge), actor=sponsor[0], by_sponsor=True)
    balance = balance_of(fresh(pledge))
    assert (balance.due, balance.held) == (0, Decimal("10000.00"))


# --- Part-payments ---------------------------------------------------------------------------


def test_30000_then_10000_is_acknowledged_twice_paid_once_with_one_receipt(
    invoiced, on_commit, mailoutbox
):
    pledge, invoice = invoiced
    with on_commit():
        _payment, outcome = transfer(pledge, "30000.00", "BANK-1")
    assert outcome == "partial"
    [ack] = PaymentAcknowledgement.objects.all()
    assert (ack.amount, ack.received_to_date, ack.due_after) == (
        Decimal("30000.00"),
        Decimal("30000.00"),
        Decimal("10000.00"),
    )
    assert fresh(pledge).status == "awaiting_payment"
    assert invoice_status(invoice) == "partially_paid"
    assert not Receipt.objects.exists()

    with on_commit():
        _payment, outcome = transfer(fresh(pledge), "10000.00", "BANK-2")
    assert outcome == "paid"
    assert PaymentAcknowledgement.objects.count() == 1  # the last payment gets the receipt
    [receipt] = Receipt.objects.all()
    assert receipt.amount == Decimal("40000.00") and len(receipt.payments) == 2
    pledge = fresh(pledge)
    assert pledge.history.filter(to_state="paid").count() == 1
    assert invoice_status(invoice) == "paid" and balance_of(pledge).due == 0

    subjects = [m.subject for m in mailoutbox]
    assert sum(ack.number in s for s in subjects) == 1
    assert sum(receipt.number in s for s in subjects) == 1


def test_an_invoice_past_its_due_date_unpaid_is_overdue(invoiced):
    pledge, invoice = invoiced
    late = invoice.due_date + datetime.timedelta(days=1)
    assert invoice_status(invoice, today=late) == "overdue"
    transfer(pledge, "40000.00", "BANK-1")
    assert invoice_status(invoice, today=late) == "paid"


# --- Unallocated money -----------------------------------------------------------------------


def test_unallocated_money_is_allocated_to_two_invoices(sponsor, headline, finance_user, event):
    dinner = make_package(event, title="Dinner", slug="dinner-2", price="15000.00", capacity=1)
    first = pledge_for(sponsor, headline, payment_method="bank_transfer")
    second = pledge_for(sponsor, dinner, payment_method="bank_transfer")
    inv1 = request_invoice(first, user=sponsor[0])
    inv2 = request_invoice(second, user=sponsor[0])

    money = unallocated.record_unallocated(
        amount="55000.00",
        currency="CHF",
        value_date=TODAY(),
        bank_reference="CAMT-778",
        payer_name="ACME AG",
        quoted_reference="PLG 2026 0OO1",
        actor=finance_user,
    )
    assert money.status == "unallocated" and not Payment.objects.exists()

    unallocated.allocate(
        money, [(inv1.number, "40000.00"), (inv2.number, "15000.00")], actor=finance_user
    )

    money.refresh_from_db()
    assert money.status == "allocated" and money.remaining == 0
    assert fresh(first).status == "paid" and fresh(second).status == "paid"
    assert invoice_status(inv1) == "paid" and invoice_status(inv2) == "paid"
    assert Receipt.objects.count() == 2
    assert sorted(Payment.objects.values_list("bank_reference", flat=True)) == [
        "CAMT-778/1",
        "CAMT-778/2",
    ]
    steps = list(UnallocatedChange.objects.filter(transfer=money).order_by("pk"))
    assert [s.to_state for s in steps] == ["unallocated", "allocated"]
    assert steps[1].actor == finance_user and inv1.number in steps[1].reason


def test_a_bad_allocation_changes_nothing(sponsor, headline, finance_user):
    pledge = pledge_for(sponsor, headline, payment_method="bank_transfer")
    money = unallocated.record_unallocated(
        amount="100.00",
        currency="EUR",
        value_date=TODAY(),
        bank_reference="CAMT-9",
        actor=finance_user,
    )
    with pytest.raises(PaymentError, match="is in CHF"):
        unallocated.allocate(money, [(pledge.reference, "100.00")], actor=finance_user)
    with pytest.raises(PaymentError, match="left to allocate"):
        unallocated.allocate(money, [(pledge.reference, "100.01")], actor=finance_user)
    with pytest.raises(PaymentError, match="No pledge or invoice"):
        unallocated.allocate(money, [("PLG-NOPE", "1.00")], actor=finance_user)
    assert not Payment.objects.exists()
    money.refresh_from_db()
    assert money.status == "unallocated" and money.history.count() == 1

    unallocated.mark_to_return(money, reason="Another currency", actor=finance_user)
    money.refresh_from_db()
    assert money.status == "to_return"
    with pytest.raises(Exception, match="cannot go from"):
        unallocated.allocate(money, [(pledge.reference, "1.00")], actor=finance_user)


def test_a_transfer_recorded_once_whether_matched_or_not(invoiced, finance_user):
    pledge, _invoice = invoiced
    transfer(pledge, "100.00", "BANK-1")
    with pytest.raises(PaymentError, match="already recorded"):
        unallocated.record_unallocated(
            amount="5.00",
            currency="CHF",
            value_date=TODAY(),
            bank_reference="BANK-1",
            actor=finance_user,
        )
    with pytest.raises(PaymentError) as error:
        unallocated.record_unallocated(
            amount="5.00",
            currency="CHF",
            value_date=TODAY() + datetime.timedelta(days=1),
            bank_reference="BANK-2",
            actor=finance_user,
        )
    assert error.value.field == "value_date"
    assert not UnallocatedTransfer.objects.exists()


# --- Bank charges and write-offs -------------------------------------------------------------


def test_a_transfer_short_by_bank_charges_is_settled_within_the_tolerance(
    invoiced, finance_user, settings
):
    settings.BANK_CHARGE_TOLERANCE = 50
    pledge, invoice = invoiced
    transfer(pledge, "39970.00", "BANK-1")
    assert balance_of(fresh(pledge)).due == Decimal("30.00")

    unallocated.book_bank_charge(fresh(pledge), actor=finance_user)

    pledge = fresh(pledge)
    balance = balance_of(pledge)
    assert pledge.status == "paid" and balance.due == 0
    assert balance.bank_charges == Decimal("30.00")
    receipt = Receipt.objects.get()
    assert receipt.amount == Decimal("39970.00")
    assert [line["amount"] for line in receipt.lines] == ["40000.00", "-30.00"]
    assert invoice_status(invoice) == "paid"
    assert pledge.history.filter(reason__contains="Bank charges").exists()


def test_bank_charges_beyond_the_tolerance_are_refused(invoiced, finance_user, settings):
    settings.BANK_CHARGE_TOLERANCE = 50
    pledge, _invoice = invoiced
    transfer(pledge, "39900.00", "BANK-1")
    with pytest.raises(PaymentError, match="At most CHF"):
        unallocated.book_bank_charge(fresh(pledge), actor=finance_user)
    assert not Adjustment.objects.exists() and fresh(pledge).status == "awaiting_payment"


def test_finance_writes_off_a_small_remainder_with_a_reason(invoiced, finance_user, settings):
    settings.WRITE_OFF_LIMIT = 200
    pledge, _invoice = invoiced
    transfer(pledge, "39880.00", "BANK-1")
    with pytest.raises(PaymentError, match="Say why"):
        unallocated.write_off(fresh(pledge), reason="", actor=finance_user)
    unallocated.write_off(fresh(pledge), reason="Rounding agreed by phone", actor=finance_user)
    adjustment = Adjustment.objects.get()
    assert (adjustment.kind, adjustment.amount, adjustment.created_by) == (
        "write_off",
        Decimal("120.00"),
        finance_user,
    )
    assert fresh(pledge).status == "paid" and balance_of(fresh(pledge)).written_off == 120


def test_only_finance_may_write_off_in_the_admin(invoiced, client, django_user_model, finance_user):
    pledge, invoice = invoiced
    transfer(pledge, "39990.00", "BANK-1")
    staff = django_user_model.objects.create_user("org", "org@example.org", "x", is_staff=True)
    client.force_login(staff)
    url = f"/admin/finance/invoices/write-off/{invoice.pk}/"
    assert client.post(url, {"reason": "no"}).status_code in (302, 403)
    assert not Adjustment.objects.exists()

    client.force_login(finance_user)
    response = client.post(url, {"reason": "Ten francs short"})
    assert response.status_code == 302
    assert Adjustment.objects.get().amount == Decimal("10.00")
    assert fresh(pledge).status == "paid"


# --- Re-issuing an invoice --------------------------------------------------------------------


def test_reissuing_an_invoice_with_a_po_number_voids_the_old_one_and_keeps_the_pledge(
    invoiced, finance_user
):
    pledge, invoice = invoiced
    new = reissue_invoice(
        invoice,
        billing_address="Acme AP, PO Box 12\n1211 Geneva\nSwitzerland",
        po_number="PO-4711",
        reason="Accounts payable asked for their PO number",
        actor=finance_user,
    )
    old = Invoice.objects.get(pk=invoice.pk)
    assert old.is_void and old.void_note.invoice == old
    assert (new.replaces, new.po_number, new.amount, new.due_date) == (
        old,
        "PO-4711",
        old.amount,
        old.due_date,
    )
    assert new.payer["billing_address"].startswith("Acme AP")
    assert invoice_status(new) == "open"
    assert fresh(pledge).status == "awaiting_payment"
    assert balance_of(fresh(pledge)).invoiced == Decimal("40000.00")
    with pytest.raises(PaymentError, match="is void"):
        reissue_invoice(old, billing_address="x", po_number="", reason="again", actor=None)
    with pytest.raises(PaymentError, match="Change the billing address"):
        reissue_invoice(
            new,
            billing_address=new.payer["billing_address"],
            po_number="PO-4711",
            reason="same",
            actor=None,
        )
