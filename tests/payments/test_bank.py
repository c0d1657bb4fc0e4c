"""Bank transfer: the invoice, then transfers finance records, with the balance they leave."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Site

from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import FinanceSettings, Invoice, Receipt
from marketplace.payments.balance import balance_of
from marketplace.payments.bank import record_transfer
from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Flag, Payment
from marketplace.pledges.models import Pledge
from tests.factories import make_token
from tests.pdf import pdf_text


@pytest.fixture
def bank_details(db, tree):
    values = FinanceSettings.for_site(Site.objects.get(is_default_site=True))
    values.bank_name = "Banque Cantonale de Genève"
    values.bank_account_holder = "Telecommunication Development Bureau"
    values.bank_iban = "CH93 0076 2011 6238 5295 7"
    values.bank_bic = "BCGECHGGXXX"
    values.save()
    return values


def transfer(pledge, amount, reference, actor=None, currency="CHF"):
    return record_transfer(
        pledge,
        amount=amount,
        currency=currency,
        value_date=timezone.localdate(),
        bank_reference=reference,
        actor=actor,
    )


def test_invoice_is_numbered_emailed_with_its_pdf_and_downloadable(
    bank_pledge, sponsor, bank_details, client, on_commit, mailoutbox
):
    client.force_login(sponsor[0])
    with on_commit():
        response = client.post(f"/account/pledges/{bank_pledge.public_id}/invoice/", follow=True)
    invoice = Invoice.objects.get()
    year = timezone.localdate().year
    assert invoice.number == f"INV-{year}-00001"
    assert (
        invoice.amount == Decimal("10000.00") and invoice.payment_reference == bank_pledge.reference
    )
    assert invoice.due_date == timezone.localdate(bank_pledge.expires_at)
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "awaiting_payment"
    assert invoice.number in response.content.decode()

    [mail] = [m for m in mailoutbox if invoice.number in m.subject]
    assert mail.to == ["accounts@acme.example"]
    name, content, mimetype = mail.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    text = pdf_text(content)
    for expected in (
        invoice.number,
        bank_pledge.reference,
        "CH93 0076 2011 6238 5295 7",
        "BCGECHGGXXX",
        "CHF\xa010,000.00",
    ):
        assert expected in text

    download = client.get(
        f"/account/pledges/{bank_pledge.public_id}/documents/invoice/{invoice.number}.pdf"
    )
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == content  # rendered once, kept
    # Asking again gives the same invoice.
    assert request_invoice(bank_pledge, user=sponsor[0]) == invoice


def test_invoice_through_the_api_and_not_for_strangers(bank_pledge, sponsor, other_sponsor, client):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
    response = api.post(f"/api/v1/pledges/{bank_pledge.reference}/invoice/")
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("INV-") and body["amount"] == "10000.00"
    assert body["payment_reference"] == bank_pledge.reference
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {make_token(other_sponsor[0])}")
    assert stranger.post(f"/api/v1/pledges/{bank_pledge.reference}/invoice/").status_code == 404
    client.force_login(other_sponsor[0])
    url = f"/account/pledges/{bank_pledge.public_id}/documents/invoice/{body['number']}.pdf"
    assert client.get(url).status_code == 404


def test_partial_then_over_payment_show_the_balance_and_pay_once(bank_pledge, on_commit):
    payment, outcome = transfer(bank_pledge, "4000.00", "BANK-1")
    assert outcome == "partial"
    balance = balance_of(bank_pledge)
    assert (balance.net, balance.due, balance.over) == (Decimal("4000.00"), Decimal("6000.00"), 0)
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "held"
    assert not Receipt.objects.exists()

    with on_commit():
        _payment, outcome = transfer(bank_pledge, "6500.00", "BANK-2")
    assert outcome == "paid"
    balance = balance_of(bank_pledge)
    assert (balance.due, balance.over) == (0, Decimal("500.00"))
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "paid"
    receipt = Receipt.objects.get()
    assert receipt.amount == Decimal("10500.00") and receipt.method == "bank_transfer"
    assert [p["reference"] for p in receipt.payments] == ["BANK-1", "BANK-2"]
    assert Flag.objects.get().kind == "overpayment"


def test_exact_payment_pays_in_full(bank_pledge):
    _payment, outcome = transfer(bank_pledge, "10000", "BANK-9")
    assert outcome == "paid"
    assert Receipt.objects.get().amount == Decimal("10000.00")
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("amount", "currency", "reference", "value_date", "field"),
    [
        ("10000", "EUR", "B-1", None, "currency"),
        ("0", "CHF", "B-1", None, "amount"),
        ("-5", "CHF", "B-1", None, "amount"),
        ("10.001", "CHF", "B-1", None, "amount"),
        ("10000", "CHF", "  ", None, "bank_reference"),
        ("10000", "CHF", "B-1", datetime.timedelta(days=1), "value_date"),
    ],
)
def test_bad_transfers_are_refused_naming_the_field(
    bank_pledge, amount, currency, reference, value_date, field
):
    with pytest.raises(PaymentError) as error:
        record_transfer(
            bank_pledge,
            amount=amount,
            currency=currency,
            value_date=timezone.localdate() + (value_date or datetime.timedelta()),
            bank_reference=reference,
            actor=None,
        )
    assert error.value.field == field and error.value.message
    assert not Payment.objects.exists()


def test_the_same_bank_reference_is_recorded_once(bank_pledge):
    transfer(bank_pledge, "100", "BANK-DUP")
    with pytest.raises(PaymentError) as error:
        transfer(bank_pledge, "100", "BANK-DUP")
    assert error.value.field == "bank_reference" and bank_pledge.reference in error.value.message
    assert Payment.objects.count() == 1


def test_a_transfer_for_a_cancelled_pledge_is_flagged(bank_pledge):
    Pledge.objects.filter(pk=bank_pledge.pk).update(status="cancelled")
    _payment, outcome = transfer(bank_pledge, "10000", "BANK-LATE")
    assert outcome == "flagged"
    assert Flag.objects.get().kind == "not_payable"
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "cancelled"
    assert not Receipt.objects.exists()
