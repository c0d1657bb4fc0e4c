"""Documents are tagged PDFs: a structure tree screen readers follow, marked content and the
document's language, in the language the document is rendered in."""

import io

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from marketplace.finance.models import Receipt
from marketplace.finance.pdfs import render
from marketplace.payments.bank import record_transfer


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


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_receipt_is_a_tagged_pdf_in_its_language(receipt, language):
    """Receipts are issued in the organisation's language whatever the reader's (marketplace/
    finance/pdfs.py), and say so."""
    with translation.override(language):
        catalog = PdfReader(io.BytesIO(render("receipt", receipt))).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en"


def test_the_receipt_declares_the_organisations_language(receipt):
    receipt.organisation.language = "ar"
    receipt.organisation.save(update_fields=["language"])
    catalog = PdfReader(io.BytesIO(render("receipt", receipt))).trailer["/Root"]
    assert catalog["/Lang"] == "ar"


def test_a_chinese_payer_name_is_printed_with_a_cjk_font(bank_pledge):
    """Names keep their script: a Chinese organisation's name is drawn (fonts-noto-cjk, installed
    by CI and the Dockerfile), not boxes, and reads back as text."""
    organisation = bank_pledge.organisation
    organisation.legal_name = "中国电信集团有限公司"
    organisation.save(update_fields=["legal_name"])
    record_transfer(
        bank_pledge,
        amount="10000",
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="B-2",
        actor=None,
    )
    reader = PdfReader(io.BytesIO(render("receipt", Receipt.objects.get())))
    assert "中国电信集团有限公司" in "".join(page.extract_text() for page in reader.pages)
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts
