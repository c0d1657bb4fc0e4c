"""A person downloads their data from /account/privacy/: theirs, complete, nobody else's."""

import json

import pytest
from django.urls import reverse

from tests.privacy.conftest import OTHER_EMAIL, PERSON_EMAIL
from worker.models import MailLog

pytestmark = pytest.mark.django_db


def _download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


def test_the_privacy_page_needs_a_sign_in(client):
    response = client.get("/account/privacy/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/account/privacy/download/").status_code == 302


def test_the_export_holds_the_persons_account_memberships_contacts_pledges_and_signatures(
    client, person, other, paid_and_signed, invitations
):
    MailLog.objects.create(
        key="both", to=f"{OTHER_EMAIL}, {PERSON_EMAIL}", from_email="x@example.org",
        subject="Meeting notes", body_text="Reset link https://example.org/reset/SECRET",
    )  # fmt: skip
    MailLog.objects.create(
        key="boris-only", to=OTHER_EMAIL, from_email="x@example.org", subject="Boris private"
    )
    MailLog.objects.create(
        key="prefix", to=f"x{PERSON_EMAIL}", from_email="x@example.org", subject="Lookalike"
    )

    data = _download(client, person[0])

    assert data["account"]["email"] == PERSON_EMAIL
    assert data["account"]["first_name"] == "Ada"
    assert data["account"]["date_joined"]
    assert data["account"]["email_addresses"] == [
        {"email": PERSON_EMAIL, "verified": True, "primary": True}
    ]
    assert data["memberships"] == [
        {"organisation": "Acme", "role": "admin", "joined_at": data["memberships"][0]["joined_at"]}
    ]
    assert {c["role"] for c in data["contacts"]} == {"finance", "signatory"}
    assert data["contacts"][0]["phone"] == "+41 22 000 00 00"
    [pledge] = data["pledges"]
    assert pledge["reference"] == paid_and_signed.reference
    assert pledge["package"] == "Gold sponsor"
    assert pledge["amount"] == "50000.00"
    assert pledge["currency"] == paid_and_signed.currency
    assert pledge["status"] == "paid"
    [signature] = data["agreement_signatures"]
    assert signature["full_name"] == "Ada Lovelace"
    assert signature["ip_address"] == "203.0.113.7"
    subjects = [m["subject"] for m in data["mail"]]
    assert "Meeting notes" in subjects
    assert any("Receipt" in s for s in subjects)  # the receipt went to her as finance contact
    assert "Boris private" not in subjects and "Lookalike" not in subjects
    assert [i["organisation"] for i in data["invitations_received"]] == ["Borealis"]
    assert [i["organisation"] for i in data["invitations_sent"]] == ["Acme"]

    text = json.dumps(data)
    # No mail body (which could carry a sign-in link), nothing of Boris but his
    # organisation's name on the invitation he sent her, nor the invitee's address.
    assert "SECRET" not in text
    assert OTHER_EMAIL not in text and "Boris" not in text
    assert "newcomer@acme.example" not in text


def test_another_persons_export_holds_nothing_of_the_first(client, person, other, paid_and_signed):
    data = _download(client, other[0])

    text = json.dumps(data)
    assert data["account"]["email"] == OTHER_EMAIL
    assert data["pledges"] == [] and data["agreement_signatures"] == []
    assert PERSON_EMAIL not in text.lower()
    assert "Ada" not in text and paid_and_signed.reference not in text
    assert [c["name"] for c in data["contacts"]] == ["Boris Borealis"]


def test_the_page_says_what_erasure_keeps(client, person):
    client.force_login(person[0])
    response = client.get("/account/privacy/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "receipts, invoices and credit notes that were issued" in body
    assert "agreements that were signed" in body
    assert reverse("privacy:download") in body
