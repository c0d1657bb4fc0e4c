"""Fixtures for personal-data tests: a sponsor who made a paid pledge (receipt issued, agreement
signed by them, mail sent to them), and an unrelated sponsor whose data must never leak."""

import pytest
from django.contrib.auth import get_user_model

from sponsors.models import Contact, ContactRole, Invitation, MemberRole
from tests.agreements.conftest import (  # noqa: F401 - shared fixtures
    _agreement_settings,
    clauses,
    event,
    package,
    pay,
)
from tests.factories import make_sponsor, pledge_for

PERSON_EMAIL = "ada@acme.example"
OTHER_EMAIL = "boris@borealis.example"


@pytest.fixture
def person(db):
    """Ada: administrator of Acme, its finance and signatory contact (so her name is on the
    receipt's payer snapshot)."""
    user, organisation = make_sponsor(PERSON_EMAIL, name="Acme")
    user.first_name, user.last_name = "Ada", "Lovelace"
    user.save()
    organisation.legal_name = "Acme Corporation SA"
    organisation.save()
    for role in (ContactRole.FINANCE, ContactRole.SIGNATORY):
        Contact.objects.create(
            organisation=organisation, role=role, name="Ada Lovelace", email=PERSON_EMAIL.upper(),
            phone="+41 22 000 00 00",
        )  # fmt: skip
    return user, organisation


@pytest.fixture
def other(db):
    """Boris, of another organisation, with his own contact, pledge-free."""
    user, organisation = make_sponsor(OTHER_EMAIL, name="Borealis")
    user.first_name, user.last_name = "Boris", "Borealis"
    user.save()
    Contact.objects.create(
        organisation=organisation, role=ContactRole.PRIMARY, name="Boris Borealis",
        email=OTHER_EMAIL,
    )  # fmt: skip
    return user, organisation


@pytest.fixture
def paid_and_signed(person, package, clauses, django_capture_on_commit_callbacks):  # noqa: F811
    """Ada's pledge paid (receipt issued and rendered), its agreement signed by her."""
    from marketplace.agreements.models import Agreement
    from marketplace.agreements.signing import sign_as_sponsor

    pledge = pledge_for(person, package, payment_method="bank_transfer")
    with django_capture_on_commit_callbacks(execute=True):
        pay(pledge)
    agreement = Agreement.objects.get(pledge=pledge)
    with django_capture_on_commit_callbacks(execute=True):
        sign_as_sponsor(
            agreement,
            user=person[0],
            full_name="Ada Lovelace",
            title="Chief Executive",
            confirmed=True,
            document_sha256=agreement.sha256,
            ip_address="203.0.113.7",
            user_agent="SponsorBrowser/1.0",
        )
    pledge.refresh_from_db()
    return pledge


@pytest.fixture
def invitations(person, other):
    """Ada invited to Borealis by Boris; Ada inviting someone to Acme."""
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + timedelta(days=7)
    received = Invitation.objects.create(
        organisation=other[1], email=PERSON_EMAIL, role=MemberRole.MEMBER, invited_by=other[0],
        expires_at=later,
    )  # fmt: skip
    sent = Invitation.objects.create(
        organisation=person[1], email="newcomer@acme.example", invited_by=person[0],
        expires_at=later,
    )  # fmt: skip
    return received, sent


@pytest.fixture
def support_user(db):
    """A staff member of the Support group, with the erasure permissions."""
    from django.contrib.auth.models import Group

    from marketplace.privacy.permissions import SUPPORT, ensure_privacy_permissions

    ensure_privacy_permissions()
    user = get_user_model().objects.create_user(
        "sam@example.org", "sam@example.org", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=SUPPORT))
    return user
