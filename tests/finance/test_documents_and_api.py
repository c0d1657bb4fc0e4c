"""Complete documents (issuer block, tax status, PO number, country once, tax lines) and the
pledge API's money fields (amount_due, amount_refunded, invoices, bank_account)."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import Site

from marketplace.finance import pdfs
from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import FinanceSettings, Invoice
from marketplace.payments.bank import record_transfer
from marketplace.payments.refunds import refund_payment
from marketplace.pledges.moves import cancel
from tests.factories import make_token
from tests.pdf import pdf_text


@pytest.fixture
def finance_settings(db, tree):
    values = FinanceSettings.for_site(Site.objects.get(is_default_site=True))
    values.issuer_legal_name = "International Telecommunication Union"
    values.issuer_postal_address = "Place des Nations\n1211 Geneva 20\nSwitzerland"
    values.issuer_tax_status = "Exempt from VAT as an international organisation"
    values.bank_name = "UBS AG"
    values.bank_account_holder = "ITU — sponsorship"
    values.bank_iban = "CH93 0076 2011 6238 5295 7"
    values.bank_bic = "UBSWCHZH80A"
    values.save()
    return values


@pytest.fixture
def api(sponsor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
    return client


def test_the_invoice_api_gives_the_bank_account_status_and_po_number(
    bank_pledge, api, finance_settings
):
    response = api.post(
        f"/api/v1/pledges/{bank_pledge.reference}/invoice/", {"po_number": "PO-88"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["bank_account"] == {
        "iban": "CH93 0076 2011 6238 5295 7",
        "bic": "UBSWCHZH80A",
        "holder": "ITU — sponsorship",
        "bank": "UBS AG",
    }
    assert (body["status"], body["po_number"], body["amount"]) == ("open", "PO-88", "10000.00")
    for field in ("number", "currency", "due_date", "payment_reference", "pdf_url"):
        assert body[field]


def test_the_pledge_api_tells_due_refunded_and_invoices_from_the_one_balance(
    bank_pledge, api, sponsor
):
    url = f"/api/v1/pledges/{bank_pledge.reference}/"
    api.post(f"{url}invoice/")
    invoice = Invoice.objects.get()
    body = api.get(url).json()
    assert (body["amount_paid"], body["amount_due"], body["amount_refunded"]) == (
        "0.00",
        "10000.00",
        "0.00",
    )
    assert body["invoices"] == [
        {
            "number": invoice.number,
            "status": "open",
            "amount": "10000.00",
            "currency": "CHF",
            "due_date": invoice.due_date.isoformat(),
        }
    ]
    assert "receipts" in body and "status" in body  # every existing field is kept

    payment, _ = record_transfer(
        bank_pledge,
        amount="10000.00",
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="B-1",
        actor=None,
    )
    refund_payment(payment, amount="2500.00", reason="Fewer fellows", actor=None)
    body = api.get(url).json()
    assert (body["status"], body["amount_paid"], body["amount_due"], body["amount_refunded"]) == (
        "partially_refunded",
        "7500.00",
        "0.00",
        "2500.00",
    )
    assert body["invoices"][0]["status"] == "paid"


def test_a_cancelled_pledge_lists_its_invoice_as_void_and_owes_nothing(bank_pledge, api, sponsor):
    url = f"/api/v1/pledges/{bank_pledge.reference}/"
    api.post(f"{url}invoice/")
    cancel(bank_pledge, actor=sponsor[0], by_sponsor=True)
    body = api.get(url).json()
    assert body["amount_due"] == "0.00"
    assert [i["status"] for i in body["invoices"]] == ["void"]


def test_documents_print_the_issuer_its_tax_status_the_po_number_and_the_country_once(
    bank_pledge, sponsor, finance_settings
):
    organisation = sponsor[1]
    organisation.billing_address = "Acme AG\nBahnhofstrasse 1\n8001 Zürich\nSwitzerland"
    organisation.tax_id = "CHE-123.456.789"
    organisation.save()
    finance_settings.tax_label = "VAT"
    finance_settings.tax_rate = Decimal("0")
    finance_settings.save()
    invoice = request_invoice(bank_pledge, user=sponsor[0], po_number="PO-4711")
    text = pdf_text(pdfs.render("invoice", invoice))
    for expected in (
        "International Telecommunication Union",
        "Place des Nations",
        "Exempt from VAT as an international organisation",
        "PO-4711",
        "CHE-123.456.789",
        "VAT 0 % included",
        "zero-rated",
        "UBSWCHZH80A",
    ):
        assert expected in text, expected
    assert text.count("Switzerland") == 2  # the issuer's address and the payer's, once each


def test_a_tax_rate_prints_the_tax_included(bank_pledge, sponsor, finance_settings):
    finance_settings.tax_label = "VAT"
    finance_settings.tax_rate = Decimal("8.1")
    finance_settings.save()
    invoice = request_invoice(bank_pledge, user=sponsor[0])
    text = pdf_text(pdfs.render("invoice", invoice))
    assert "VAT 8.1 % included" in text
    assert "CHF\xa0749.31" in text  # 10,000 × 8.1 / 108.1
    assert "CHF\xa010,000.00" in text
