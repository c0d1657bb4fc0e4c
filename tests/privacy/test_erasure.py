"""A person asks to be erased; Support executes it in the admin: the person disappears
everywhere except from the legal snapshots of issued documents and signed agreements."""

import hashlib
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from marketplace.agreements.models import Signature
from marketplace.finance import pdfs
from marketplace.finance.models import Receipt
from marketplace.privacy.erasure import ErasureError, execute_erasure, request_erasure
from marketplace.privacy.models import ErasureRequest, ErasureStatus
from sponsors.models import Contact, Invitation, Membership
from tests.factories import pledge_for
from tests.privacy.conftest import OTHER_EMAIL, PERSON_EMAIL
from worker.models import MailLog

pytestmark = pytest.mark.django_db


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_person_requests_erasure_with_a_confirmation_and_a_reason(client, person):
    client.force_login(person[0])

    refused = client.post(reverse("privacy:request_erasure"), {"reason": "Leaving"})
    assert refused.status_code == 400
    assert "Tick the box" in refused.content.decode()
    assert not ErasureRequest.objects.exists()

    response = client.post(
        reverse("privacy:request_erasure"), {"reason": "Leaving the company", "confirm": "on"}
    )
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get()
    assert erasure.person == person[0] and erasure.requested_by == person[0]
    assert erasure.reason == "Leaving the company" and erasure.is_pending
    page = client.get(reverse("privacy:privacy")).content.decode()
    assert "You asked to be erased on" in page

    with pytest.raises(ErasureError):
        request_erasure(person[0])
    assert ErasureRequest.objects.count() == 1


def test_open_pledges_are_recorded_and_warned_about_but_do_not_block(client, person, package):
    pledge = pledge_for(person, package)  # held, awaiting payment
    client.force_login(person[0])
    page = client.get(reverse("privacy:privacy")).content.decode()
    assert "still open" in page and pledge.reference in page

    erasure = request_erasure(person[0])
    assert erasure.open_obligations == [pledge.reference]
    execute_erasure(erasure, by=None)
    pledge.refresh_from_db()
    assert pledge.status == "held"  # the organisation's obligation stays
    assert erasure.status == ErasureStatus.EXECUTED


def test_support_executes_the_erasure_everywhere_but_the_receipt_stays_identical(
    client, person, other, paid_and_signed, invitations, support_user
):
    user, organisation = person
    receipt = Receipt.objects.get(pledge=paid_and_signed)
    receipt_pdf = pdfs.pdf_path("receipt", receipt)
    assert receipt_pdf.exists()
    payer_before, pdf_before = dict(receipt.payer), _sha256(receipt_pdf)
    assert payer_before["contact_email"].lower() == PERSON_EMAIL
    signature = Signature.objects.get(user=user)
    MailLog.objects.create(
        key="both", to=f"{OTHER_EMAIL}, {PERSON_EMAIL}", from_email="x@example.org",
        subject="Meeting notes", body_text="Dear Ada",
    )  # fmt: skip
    ada_session = Client()
    ada_session.force_login(user)
    boris_session = Client()
    boris_session.force_login(other[0])
    erasure = request_erasure(user, reason="Leaving")

    client.force_login(support_user)
    confirm = client.get(reverse("erasure_requests:execute", args=[erasure.pk]))
    assert confirm.status_code == 200
    assert PERSON_EMAIL in confirm.content.decode()
    response = client.post(reverse("erasure_requests:execute", args=[erasure.pk]))
    assert response.status_code == 302

    user.refresh_from_db()
    placeholder = f"erased-{user.pk}@invalid"
    assert user.email == placeholder and user.username == f"erased-{user.pk}"
    assert (user.first_name, user.last_name) == ("", "")
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(email__iexact=PERSON_EMAIL).exists()
    assert not Membership.objects.filter(user=user).exists()
    contacts = Contact.objects.filter(organisation=organisation)
    assert {(c.name, c.email, c.phone) for c in contacts} == {("Erased person", placeholder, "")}
    assert not Contact.objects.filter(email__iexact=PERSON_EMAIL).exists()
    received, _sent = invitations
    received.refresh_from_db()
    assert received.email == placeholder and received.revoked_at is not None
    assert not Invitation.objects.filter(email__iexact=PERSON_EMAIL).exists()
    assert not MailLog.objects.filter(to__icontains=PERSON_EMAIL).exists()
    both = MailLog.objects.get(key="both")
    assert both.to == f"{OTHER_EMAIL}, {placeholder}" and both.body_text == ""
    assert both.subject == "Meeting notes"
    # Her sessions are gone; Boris's is not.
    assert ada_session.get("/account/privacy/").status_code == 302
    assert boris_session.get("/account/privacy/").status_code == 200
    assert Session.objects.count() == 2  # Boris's and the support user's

    # The legal snapshots are untouched.
    receipt = Receipt.objects.get(pk=receipt.pk)
    assert receipt.payer == payer_before
    assert _sha256(receipt_pdf) == pdf_before
    signature.refresh_from_db()
    assert (signature.full_name, signature.title) == ("Ada Lovelace", "Chief Executive")

    # Boris is untouched.
    assert get_user_model().objects.get(pk=other[0].pk).email == OTHER_EMAIL
    assert Contact.objects.filter(email=OTHER_EMAIL, name="Boris Borealis").exists()

    # The audit row: who, when, counts, never the erased data.
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.EXECUTED
    assert erasure.requested_by == user and erasure.executed_by == support_user
    assert erasure.executed_at is not None
    assert erasure.anonymised["contacts"] == 2
    assert erasure.anonymised["memberships"] == 1
    assert erasure.anonymised["invitations"] == 1
    assert erasure.anonymised["mail_log"] >= 2  # receipt, agreement, "Meeting notes"
    assert erasure.anonymised["accounts"] == 1
    record = json.dumps(erasure.anonymised) + json.dumps(erasure.open_obligations)
    assert PERSON_EMAIL not in record.lower() and "Ada" not in record

    again = client.post(reverse("erasure_requests:execute", args=[erasure.pk]))
    assert again.status_code == 302
    with pytest.raises(ErasureError):
        execute_erasure(erasure, by=support_user)


def test_only_support_may_execute(client, person, other):
    erasure = request_erasure(person[0])
    from django.contrib.auth.models import Permission

    staff = get_user_model().objects.create_user("org@example.org", "org@example.org", "pw")
    staff.is_staff = True
    staff.save()
    # An admin user (an organiser, say) without the erasure permission.
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    refused = client.post(reverse("erasure_requests:execute", args=[erasure.pk]))
    # Wagtail answers a PermissionDenied with a redirect to the dashboard and a message.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    erasure.refresh_from_db()
    assert erasure.is_pending
    person[0].refresh_from_db()
    assert person[0].email == PERSON_EMAIL


def test_the_support_group_gets_the_erasure_permissions(db):
    from django.contrib.auth.models import Group

    from marketplace.core.roles import ensure_roles

    ensure_roles()
    codenames = set(
        Group.objects.get(name="Support").permissions.values_list("codename", flat=True)
    )
    assert {"view_erasurerequest", "execute_erasurerequest", "access_admin"} <= codenames
