"""The reader's language: a person's (set at sign-up, changed on the language page) and an
organisation's (for its documents and its contacts' mail); every email is rendered per
recipient language group, also in the mail task, where there is no request."""

import re
import subprocess

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from marketplace.agreements.rendering import AGREEMENT_TEMPLATE, render_agreement, snapshot
from marketplace.finance.models import Receipt
from marketplace.finance.pdfs import render
from marketplace.payments.bank import record_transfer
from marketplace.pledges import mail as pledge_mail
from marketplace.pledges.models import Pledge
from sponsors.languages import (
    language_for_recipients,
    language_of,
    send_in_their_languages,
    set_language_of,
)
from sponsors.models import MemberRole, Membership, Organisation
from tests.factories import make_sponsor, make_user, pledge_for
from worker.models import MailLog


def chooses(user, code):
    set_language_of(user, code)
    return user


@pytest.mark.django_db
def test_a_person_reads_the_site_language_until_they_choose():
    user = make_user()
    assert language_of(user) == settings.LANGUAGE_CODE == "en"
    assert chooses(user, "zh-Hans") and language_of(user) == "zh-hans"
    with pytest.raises(ValueError):
        set_language_of(user, "xx")
    assert language_of(user) == "zh-hans"


@pytest.mark.django_db
def test_recipients_are_grouped_by_their_language_else_the_organisations(sponsor):
    user, organisation = sponsor
    organisation.language = "es"
    organisation.save(update_fields=["language"])
    chooses(make_user("Marie@example.org"), "fr")
    english = chooses(make_user(), "en")
    groups = language_for_recipients(
        ["marie@example.org", english.email, user.email, "contact@example.net", ""],
        organisation,
    )
    # Marie's address is matched whatever its case; the admin (no choice) and the contact
    # (no account) read the organisation's Spanish.
    assert groups == {
        "en": [english.email],
        "es": sorted([user.email, "contact@example.net"]),
        "fr": ["marie@example.org"],
    }


def test_sign_up_records_the_language_the_person_signed_up_in(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "nadia@example.org", "password1": "a long pass phrase 7", "password2":
         "a long pass phrase 7"},
        HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5",
    )  # fmt: skip
    assert response.status_code == 302
    profile = UserProfile.objects.get(user__email="nadia@example.org")
    assert profile.preferred_language == "ar"


def test_the_language_page_changes_it_and_refuses_an_unknown_one(client, sponsor):
    user, _organisation = sponsor
    client.force_login(user)
    page = client.get(reverse("sponsors:language"))
    assert page.status_code == 200 and b'name="language"' in page.content
    refused = client.post(reverse("sponsors:language"), {"language": "klingon"})
    assert refused.status_code == 400
    assert b"klingon" in refused.content and language_of(user) == "en"
    saved = client.post(reverse("sponsors:language"), {"language": "ru"})
    assert saved.status_code == 302
    assert language_of(user) == "ru"
    assert saved.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    # The page now answers in Russian.
    assert "Портал спонсора".encode() in client.get(reverse("sponsors:language")).content


def test_only_an_administrator_sets_the_organisations_language(client, sponsor):
    user, organisation = sponsor
    member = make_user()
    Membership.objects.create(user=member, organisation=organisation, role=MemberRole.MEMBER)
    form = {
        "org-legal_name": organisation.legal_name,
        "org-display_name": organisation.display_name,
        "org-country": "CH",
        "org-category": organisation.category,
        "org-language": "fr",
        "org-declares_no_excluded_activities": "on",
        "org-accepts_global_compact": "on",
    }
    client.force_login(member)
    assert client.post(reverse("sponsors:organisation_edit"), form).status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).language == "en"
    client.force_login(user)
    assert client.post(reverse("sponsors:organisation_edit"), form).status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).language == "fr"
    bad = client.post(reverse("sponsors:organisation_edit"), {**form, "org-language": "xx"})
    assert bad.status_code == 400 and Organisation.objects.get(pk=organisation.pk).language == "fr"


def test_pledge_mail_goes_out_once_per_language_from_the_task(sponsor, package, on_commit):
    """The mail task has no request: each member reads their own language, whatever the
    language of the request that moved the pledge (here English)."""
    user, organisation = sponsor
    chooses(user, "fr")
    arabic = chooses(make_user(), "ar")
    Membership.objects.create(user=arabic, organisation=organisation, role=MemberRole.MEMBER)
    with on_commit(), translation.override("en"):
        pledge = pledge_for(sponsor, package)
    logs = {log.language: log for log in MailLog.objects.filter(pledge=pledge)}
    assert set(logs) == {"fr", "ar"}
    assert logs["fr"].to == user.email and logs["ar"].to == arabic.email
    assert f"Engagement {pledge.reference}" in logs["fr"].subject
    assert 'lang="fr" dir="ltr"' in logs["fr"].body_html
    assert 'lang="ar" dir="rtl"' in logs["ar"].body_html
    assert f"<bdi>{pledge.reference}</bdi>" in logs["ar"].body_html
    assert "Reference:" not in logs["ar"].body_text
    # Run again (a retried task): nothing new.
    change = pledge.history.order_by("-pk").first().pk
    pledge_mail.send_notifications(pledge.pk, ["held"], change)
    assert MailLog.objects.filter(pledge=pledge).count() == 2


@pytest.mark.django_db
def test_a_context_function_is_called_in_each_language(sponsor, package):
    user, organisation = sponsor
    chooses(user, "es")
    pledge = pledge_for(sponsor, package)
    logs = send_in_their_languages(
        "pledges/email/message",
        lambda: {"subject": translation.gettext("Receipt"), "intro": "", "pledge": pledge,
                 "link": "", "reason": ""},
        [user.email, "contact@example.net"],
        organisation=organisation,
        key="test:languages",
    )  # fmt: skip
    assert sorted((log.language, log.key, log.subject) for log in logs) == [
        ("en", "test:languages", "[Sponsorship] Receipt"),
        ("es", "test:languages:es", "[Sponsorship] " + es("Receipt")),
    ]
    assert es("Receipt") != "Receipt"


@pytest.fixture
def arabic_receipt(sponsor, package):
    _user, organisation = sponsor
    organisation.language = "ar"
    organisation.save(update_fields=["language"])
    pledge = pledge_for(sponsor, package)
    record_transfer(
        pledge,
        amount=str(pledge.total),
        currency=pledge.currency,
        value_date=timezone.localdate(),
        bank_reference="B-77",
        actor=None,
    )
    return Receipt.objects.get(pledge=pledge)


def es(text):
    with translation.override("es"):
        return translation.gettext(text)


# pdftotext marks each run's direction with embedding controls (RLE, LRE, PDF...): not text.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def pdftotext(content: bytes) -> str:
    return (
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True,
            check=True,
        )
        .stdout.decode()
        .translate(BIDI_CONTROLS)
    )  # fmt: skip


def test_an_arabic_organisations_receipt_is_arabic_right_to_left_in_logical_order(
    arabic_receipt,
):
    """Rendered in the organisation's language whatever the reader's; pdftotext reads the
    words in logical order (shaped by HarfBuzz, not reversed letter by letter)."""
    with translation.override("en"):
        content = render("receipt", arabic_receipt)
    text = pdftotext(content)
    # Words read back in logical (typing) order, not reversed letter by letter. (A lam-alef
    # ligature, as in الإيصال, comes back from pdftotext with its two letters swapped: the
    # glyph's text mapping, not the layout — so the labels checked have none.)
    for label in ("مستلم من", "طريقة الدفع", "الرقم", "التعهد", "مجموع المبالغ المستلمة"):
        assert label in text, text
    for english in ("Receipt", "Payment method", "Total received", "Received from"):
        assert english not in text
    # The reference is kept whole (isolated), not split around the Arabic words.
    assert re.search(r"SP-\d{4}-\d+", text) and arabic_receipt.pledge.reference in text


@pytest.mark.django_db
def test_documents_are_rendered_in_the_organisations_language(sponsor, package):
    _user, organisation = sponsor
    organisation.language = "fr"
    organisation.save(update_fields=["language"])
    pledge = pledge_for(sponsor, package)
    Pledge.objects.filter(pk=pledge.pk).update(status="paid")
    content = snapshot(Pledge.objects.get(pk=pledge.pk), number="AG-2026-0001", version=1)
    assert content["language"] == "fr"
    text = pdftotext(render_agreement(content))
    assert "Accord de parrainage" in text and "Sponsorship agreement" not in text
    # The note that the English text prevails (where the terms say so) is in translations only.
    with translation.override("fr"):
        assert 'class="note prevails"' in render_to_string(AGREEMENT_TEMPLATE, {"c": content})
    english = snapshot(pledge_for_english(package), number="AG-2026-0002", version=1)
    assert english["language"] == "en"
    assert "prevails" not in render_to_string(AGREEMENT_TEMPLATE, {"c": english})


def pledge_for_english(package):
    return pledge_for(make_sponsor(), package)


def test_the_arabic_pledge_page_isolates_the_reference(client, sponsor, package):
    user, _organisation = sponsor
    pledge = pledge_for(sponsor, package)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(reverse("pledges:detail", args=[pledge.public_id])).content.decode()
    assert 'dir="rtl"' in page
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert heading == f"التعهد <bdi>{pledge.reference}</bdi>"


def test_the_onboarding_form_is_french_for_a_french_reader(client, db):
    """The logo's help was formatted when the module loaded, so it stayed English; and the
    organisation's language starts as the reader's."""
    client.force_login(make_user())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("sponsors:onboarding")).content.decode()
    assert "PNG, JPEG or SVG, at most" not in page
    assert "PNG, JPEG ou SVG" in page
    assert '<option value="fr" selected>' in page


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("finance/email/document", {"subject": "Reçu pour l'engagement"}),
        ("sponsors/email/invitation", {"organisation": Organisation(display_name="O'Brien")}),
    ],
)
def test_a_subject_keeps_its_apostrophes(template, context):
    """Subjects are plain text: a French "l'engagement" is not sent as "l&#x27;engagement"."""
    with translation.override("fr"):
        subject = render_to_string(f"{template}_subject.txt", context)
    assert "'" in subject and "&#x27;" not in subject
