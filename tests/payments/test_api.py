"""The pledge API shows money: status, amount_paid and receipts."""

from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.finance.models import Receipt
from marketplace.payments.bank import record_transfer
from tests.factories import make_token


def test_pledge_detail_shows_amount_paid_and_receipts(bank_pledge, sponsor):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
    url = f"/api/v1/pledges/{bank_pledge.reference}/"
    before = api.get(url).json()
    assert (before["status"], before["amount_paid"], before["receipts"]) == ("held", "0.00", [])

    for amount, reference in (("4000", "B-1"), ("6000", "B-2")):
        record_transfer(
            bank_pledge,
            amount=amount,
            currency="CHF",
            value_date=timezone.localdate(),
            bank_reference=reference,
            actor=None,
        )
    body = api.get(url).json()
    receipt = Receipt.objects.get()
    assert body["status"] == "paid"
    assert body["amount_paid"] == "10000.00"
    assert body["receipts"] == [
        {
            "number": receipt.number,
            "amount": "10000.00",
            "currency": "CHF",
            "issued_at": receipt.issued_at.isoformat().replace("+00:00", "Z"),
        }
    ]
