"""Countersigning in the admin executes the agreement: the executed PDF (the signed pages and a
signature page) goes to both sides and into the partnership register, once."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from marketplace.agreements.models import Agreement, Signature
from marketplace.agreements.signing import countersign, deliver_executed
from register.models import PartnershipAgreement
from tests.agreements.conftest import ORGANISER_EMAIL, SIGNATORY_EMAIL, agreement_mails
from tests.pdf import pdf_text
from worker.app import app

COUNTERSIGN = {"full_name": "Amadou Diallo", "title": "Head of Partnerships", "confirm": "on"}


def test_the_organiser_countersigns_and_the_executed_copy_reaches_both_sides_and_the_register(
    signed_agreement, approver, client, on_commit, mailoutbox, sponsor, event
):
    url = f"/admin/agreements/countersign/{signed_agreement.pk}/"
    form = client.get(url)
    assert form.status_code == 200 and "Amadou Diallo" in form.content.decode()  # prefilled
    with on_commit():
        response = client.post(
            url, COUNTERSIGN, REMOTE_ADDR="192.0.2.44", HTTP_USER_AGENT="OrganiserBrowser/2.0"
        )
    assert response.status_code == 302
    agreement = Agreement.objects.get(pk=signed_agreement.pk)
    assert agreement.status == "executed" and agreement.executed_at is not None
    organiser_signature = Signature.objects.get(side="organiser")
    assert (organiser_signature.user, organiser_signature.ip_address) == (approver, "192.0.2.44")
    assert organiser_signature.document_sha256 == agreement.sha256

    # The executed PDF: the signed pages unchanged, then the signature page.
    executed = agreement.executed_pdf.open("rb").read()
    assert agreement.executed_sha256 == hashlib.sha256(executed).hexdigest()
    signed_pages = PdfReader(io.BytesIO(agreement.pdf.open("rb").read())).pages
    executed_pages = PdfReader(io.BytesIO(executed)).pages
    assert len(executed_pages) == len(signed_pages) + 1
    for original, copy in zip(signed_pages, executed_pages, strict=False):
        assert original.extract_text() == copy.extract_text()
    last = " ".join(executed_pages[-1].extract_text().split())
    for expected in (
        "Signature page",
        agreement.number,
        "Ada Lovelace",
        "Chief Executive",
        "203.0.113.7",
        "SponsorBrowser/1.0",
        "Amadou Diallo",
        "Head of Partnerships",
        "192.0.2.44",
        "OrganiserBrowser/2.0",
        "Acme Corporation SA",
    ):
        assert expected in last, expected
    assert agreement.sha256 in last.replace(" ", "")

    # Emailed to both sides, with the executed copy.
    mails = agreement_mails(mailoutbox, "executed")
    assert sorted(m.to[0] for m in mails) == sorted([SIGNATORY_EMAIL, ORGANISER_EMAIL])
    for mail in mails:
        name, content, mimetype = mail.attachments[0]
        assert name == f"{agreement.number}-v1-executed.pdf" and content == executed

    # Entered in the partnership register as a sponsorship.
    entry = PartnershipAgreement.objects.get(reference=agreement.number)
    assert agreement.register_entry == entry and agreement.delivered_at is not None
    assert entry.agreement_type == "sponsorship" and entry.status == "in_force"
    assert [p.organisation for p in entry.partner_list] == [sponsor[1]]
    assert (entry.value, entry.currency) == (agreement.pledge.total, "CHF")
    assert entry.region_codes == [event.region] == ["AFR"]
    assert entry.signed_on == agreement.executed_at.date()
    assert sorted((s.side, s.name) for s in entry.signatories.all()) == [
        ("bureau", "Amadou Diallo"),
        ("partner", "Ada Lovelace"),
    ]
    [document] = entry.documents.all()
    assert document.file.read() == executed


def test_delivering_the_executed_copy_twice_does_it_once(
    signed_agreement, approver, on_commit, mailoutbox
):
    with on_commit():
        countersign(
            signed_agreement,
            user=approver,
            full_name="Amadou Diallo",
            title="Head",
            confirmed=True,
            ip_address=None,
        )
    task = app.tasks["marketplace.agreements.tasks.deliver_executed_agreement"]
    with on_commit():
        task.apply(args=[signed_agreement.pk])
        task.apply(args=[signed_agreement.pk])
    assert deliver_executed(signed_agreement.pk) is False
    assert len(agreement_mails(mailoutbox, "executed")) == 2  # one per side
    assert PartnershipAgreement.objects.count() == 1
    assert PartnershipAgreement.objects.get().documents.count() == 1


def test_a_tampered_stored_pdf_is_not_executed(signed_agreement, approver, on_commit):
    from marketplace.agreements.errors import AgreementError

    with open(signed_agreement.pdf.path, "ab") as handle:
        handle.write(b"% tampered")
    with pytest.raises(AgreementError, match="does not match"), on_commit():
        countersign(
            signed_agreement,
            user=approver,
            full_name="Amadou Diallo",
            title="Head",
            confirmed=True,
            ip_address=None,
        )
    assert not PartnershipAgreement.objects.exists()


def test_countersigning_before_the_sponsor_signed_is_refused(sent_agreement, approver, client):
    response = client.post(f"/admin/agreements/countersign/{sent_agreement.pk}/", COUNTERSIGN)
    assert response.status_code == 200
    assert "nothing to sign" in response.content.decode()
    assert Agreement.objects.get(pk=sent_agreement.pk).status == "sent"
    assert not Signature.objects.exists()


def test_without_the_permission_nobody_countersigns(signed_agreement, client, tree):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("staff@example.org", "staff@example.org", "pw")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="agreements", codename="view_agreement"),
    )
    client.force_login(user)
    response = client.post(f"/admin/agreements/countersign/{signed_agreement.pk}/", COUNTERSIGN)
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused
    assert Agreement.objects.get(pk=signed_agreement.pk).status == "signed_by_sponsor"
    html = client.get(f"/admin/agreements/inspect/{signed_agreement.pk}/").content.decode()
    assert "/countersign/" not in html


def test_the_agreement_page_offers_the_executed_copy_to_the_sponsor(
    signed_agreement, approver, sponsor, client, on_commit
):
    with on_commit():
        countersign(
            signed_agreement,
            user=approver,
            full_name="Amadou Diallo",
            title="Head",
            confirmed=True,
            ip_address=None,
        )
    client.force_login(sponsor[0])
    url = f"/account/agreements/{signed_agreement.public_id}/"
    html = client.get(url).content.decode()
    assert "executed.pdf" in html and "Amadou Diallo" in html
    executed = client.get(url + "executed.pdf")
    assert executed.status_code == 200
    assert "Signature page" in pdf_text(b"".join(executed))


def test_a_member_of_the_sponsor_cannot_countersign_for_the_organisers(
    signed_agreement, approver, sponsor, client
):
    from sponsors.models import MemberRole, Membership

    Membership.objects.create(user=approver, organisation=sponsor[1], role=MemberRole.MEMBER)
    response = client.post(f"/admin/agreements/countersign/{signed_agreement.pk}/", COUNTERSIGN)
    assert response.status_code == 200
    assert "another approver must countersign" in response.content.decode()
    signed_agreement.refresh_from_db()
    assert signed_agreement.status == "signed_by_sponsor"
    assert not signed_agreement.signatures.filter(side="organiser").exists()
