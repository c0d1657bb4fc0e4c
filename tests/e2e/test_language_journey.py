"""A French and an Arabic sponsor, in the browser, in their own language from start to end:
sign up (the browser asks for the language), register the organisation, pledge, ask for the
invoice; finance (in English) records the bank transfer; the sponsor finds the receipt. Every
page and email they get is in their language, and so is the receipt PDF (pdftotext)."""

import email
import re
import subprocess
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.users.models import UserProfile

from events.choices import PackageCategory
from marketplace.core.roles import FINANCE
from marketplace.finance.models import Receipt
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.pledges.models import Pledge
from sponsors.languages import set_language_of
from sponsors.models import Organisation
from tests.e2e.helpers import (
    PASSWORD,
    chromium_page,
    link_from_outbox,
    screenshot,
    use_file_outbox,
)
from tests.factories import make_event, make_package, make_terms, make_user, site_tree

# English labels that must not be left on the sponsor's pages, mail or receipt.
ENGLISH = {
    "pages": ["Your pledges", "Benefits", "Documents", "History", "Sign out"],
    "receipt": ["Receipt", "Received from", "Payment method", "Total received", "Issued on"],
}


def staff_cookie(live_server, user):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def t(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def messages_to(outbox, address: str) -> list[email.message.Message]:
    found = []
    for path in sorted(outbox.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for raw in path.read_bytes().split(b"-" * 79):
            message = email.message_from_bytes(raw.strip())
            if address.lower() in str(message.get("To", "")).lower():
                found.append(message)
    return found


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text_of(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def assert_in_language(page, language: str):
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    body = page.locator("main").inner_text()
    for english in ENGLISH["pages"]:
        if t(language, english) != english:
            assert english not in body, (english, page.url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("language", "locale", "country"), [("fr", "fr-FR", "FR"), ("ar", "ar-EG", "EG")]
)
def test_a_sponsor_signs_up_pledges_pays_by_transfer_and_gets_the_receipt_in_their_language(
    live_server, settings, tmp_path, language, locale, country
):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    outbox = use_file_outbox(settings, tmp_path)
    event = make_event(site_tree()[1], title="Global Symposium for Regulators")
    make_terms(event, "Sponsors pay within the hold.")
    coffee = make_package(
        event, title="Coffee break", category=PackageCategory.SOCIAL_EVENT, price="12000.00"
    )
    ensure_finance_permissions()
    finance = make_user("fiona@example.org", password="finance-pass")
    finance.groups.add(Group.objects.get(name=FINANCE))
    set_language_of(finance, "en")
    settings.STAFF_REQUIRE_MFA = False  # the MFA gate is test_staff_mfa's subject
    address = f"{language}@sponsor.example"

    with chromium_page(locale=locale) as page:
        # --- Sign up: the browser's language is the site's, and becomes the person's --------
        page.goto(live_server.url + "/accounts/signup/")
        assert page.locator("html").get_attribute("lang") == language
        screenshot(page, f"language-{language}-01-sign-up")
        form = page.locator("form:has(input[name=password1])")
        form.locator("input[name=email]").fill(address)
        form.locator("input[name=password1]").fill(PASSWORD)
        form.locator("input[name=password2]").fill(PASSWORD)
        form.locator("[type=submit]").click()
        page.wait_for_url("**/accounts/confirm-email/")
        assert UserProfile.objects.get(user__email=address).preferred_language == language
        (confirmation,) = messages_to(outbox, address)
        english_subject = "Please Confirm Your Email Address"
        assert english_subject not in subject_of(confirmation)
        assert t(language, english_subject) in subject_of(confirmation)
        link = urlsplit(link_from_outbox(outbox, address, "/accounts/confirm-email/"))
        page.goto(live_server.url + link.path)
        page.locator("main form [type=submit]").click()
        page.wait_for_url("**/account/onboarding/")

        # --- The organisation: its documents' language starts as the person's ---------------
        assert page.locator("select[name='org-language']").input_value() == language
        page.fill("input[name='org-legal_name']", "Atlas Télécom SA")
        page.fill("input[name='org-display_name']", "Atlas")
        page.select_option("select[name='org-country']", country)
        page.select_option("select[name='org-category']", "private_sector")
        page.check("input[name='org-declares_no_excluded_activities']")
        page.check("input[name='org-accepts_global_compact']")
        page.fill("input[name='contact-name']", "Nadia Haddad")
        screenshot(page, f"language-{language}-02-onboarding")
        page.locator("form:has(input[name='org-legal_name']) [type=submit]").click()
        page.wait_for_url("**/account/")
        assert Organisation.objects.get().language == language
        assert_in_language(page, language)

        # --- Pledge by bank transfer and ask for the invoice ---------------------------------
        page.goto(live_server.url + f"/account/pledges/new/{coffee.pk}/")
        assert_in_language(page, language)
        page.check("input[name=payment_method][value=bank_transfer]")
        page.check("input[name=accept_terms]")
        page.locator("form:has(input[name=accept_terms]) [type=submit]").click()
        page.wait_for_url(re.compile(r".*/account/pledges/[0-9a-f-]{36}/$"))
        pledge = Pledge.objects.get()
        assert_in_language(page, language)
        # The reference keeps its own direction inside the translated heading.
        assert page.locator("h1 bdi").inner_text() == pledge.reference
        assert page.locator("h1").inner_text() == t(language, "Pledge %(reference)s") % {
            "reference": pledge.reference
        }
        page.locator("form[action$='/invoice/'] [type=submit]").click()
        page.wait_for_load_state()
        assert_in_language(page, language)
        screenshot(page, f"language-{language}-03-pledge-invoiced")
        page.context.clear_cookies()

        # --- Finance, in English, records the transfer ---------------------------------------
        # (signed in by session: the sign-in page answers in the browser's language)
        page.context.add_cookies([staff_cookie(live_server, finance)])
        page.goto(
            live_server.url + f"/admin/finance/payments/record-transfer/?pledge={pledge.reference}"
        )
        page.get_by_label("Amount credited").fill(str(pledge.total))
        page.get_by_label("Currency").select_option(pledge.currency)
        page.get_by_label("Value date").fill(timezone.localdate().isoformat())
        page.get_by_label("Bank reference").fill("BNP-2026-0042")
        page.get_by_role("button", name="Record a bank transfer").click()
        page.wait_for_load_state()
        assert page.get_by_text(f"recorded for {pledge.reference}").first.is_visible()
        assert Pledge.objects.get().status == "paid"
        page.context.clear_cookies()

        # --- The sponsor finds the receipt, in their language --------------------------------
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=login]", address)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form:has(input[name=login]) [type=submit]").click()
        page.wait_for_url("**/account/")
        page.goto(live_server.url + f"/account/pledges/{pledge.public_id}/")
        assert_in_language(page, language)
        receipt = Receipt.objects.get()
        row = page.locator(f"tr[data-document='{receipt.number}']")
        assert t(language, "Receipt") in row.inner_text()
        screenshot(page, f"language-{language}-04-paid")
        response = page.request.get(
            live_server.url + row.locator("a[download]").get_attribute("href")
        )
        assert response.ok and response.headers["content-type"] == "application/pdf"
        pdf = response.body()

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
        check=True,
    ).stdout.decode()  # fmt: skip
    # pdftotext marks runs' direction with embedding controls; a lam-alef ligature comes back
    # with its letters swapped (the glyph's text mapping), so such labels are not compared.
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    text = text.casefold()  # headings and labels are upper case in the layout (CSS)
    for label in ENGLISH["receipt"]:
        assert label.casefold() not in text, label
        if not re.search("ل[اأإآ]", t(language, label)):
            assert t(language, label).casefold() in text, label
    assert receipt.number.casefold() in text and pledge.reference.casefold() in text

    # Every email they got is theirs: the pledge, the invoice, the receipt.
    mails = messages_to(outbox, address)[1:]
    subjects = [subject_of(message) for message in mails]
    expected = [
        t(language, "Pledge %(reference)s received") % {"reference": pledge.reference},
        t(language, "Receipt %(number)s for pledge %(reference)s")
        % {"number": receipt.number, "reference": pledge.reference},
    ]
    for subject in expected:
        assert any(subject in line for line in subjects), (subject, subjects)
    for message in mails:
        assert message["Content-Language"] is None or message["Content-Language"] == language
        body = text_of(message)
        for english in ("Reference:", "Open the pledge", "The document is attached"):
            assert english not in body, (english, subject_of(message))
