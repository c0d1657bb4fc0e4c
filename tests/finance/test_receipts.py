"""A receipt is a snapshot that never changes; its PDF says what it acknowledges."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.finance.models import ImmutableDocument, Receipt
from marketplace.finance.pdfs import pdf_bytes
from marketplace.payments.bank import record_transfer
from tests.pdf import pdf_text


@pytest.fixture
def receipt(bank_pledge):
    record_transfer(
        bank_pledge,
        amount="10000",
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="B-1",
        actor=None,
    )
    return Receipt.objects.get()


def test_a_receipt_cannot_be_changed_or_deleted(receipt):
    receipt.amount = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        receipt.save()
    with pytest.raises(ImmutableDocument):
        receipt.delete()
    with pytest.raises(ImmutableDocument):
        Receipt.objects.filter(pk=receipt.pk).update(amount=Decimal("1.00"))
    with pytest.raises(ImmutableDocument):
        Receipt.objects.all().delete()
    assert Receipt.objects.get().amount == Decimal("10000.00")


def test_the_receipt_keeps_its_snapshot_when_the_organisation_changes(receipt, sponsor):
    organisation = sponsor[1]
    organisation.legal_name = "Acme Renamed SA"
    organisation.save()
    assert Receipt.objects.get().payer["legal_name"] == "Acme Ltd"
    assert receipt.lines == [
        {
            "description": f"Fellowships — {receipt.pledge.event.title}",
            "reference": receipt.pledge.reference,
            "quantity": 2,
            "unit_price": "5000.00",
            "amount": "10000.00",
        }
    ]


def test_the_receipt_pdf_shows_its_number_payer_amount_and_payment(receipt):
    text = pdf_text(pdf_bytes("receipt", receipt))
    for expected in (
        receipt.number,
        "Acme Ltd",
        "CHF\xa010,000.00",
        receipt.pledge.reference,
        "B-1",
        "Bank transfer",
    ):
        assert expected in text, expected
