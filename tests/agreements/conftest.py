"""Fixtures for the agreement tests: an event and package with benefits, a sponsor with a
signatory, pledges paid through the real settlement path (bank transfer recorded)."""

import pytest
from django.utils import timezone

from events.choices import BenefitKind, PackageCategory
from marketplace.agreements.models import StandardClause
from marketplace.payments.bank import record_transfer
from sponsors.models import Contact, ContactRole
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for

SIGNATORY_EMAIL = "ceo@acme.example"
ORGANISER_EMAIL = "events@example.org"


@pytest.fixture(autouse=True)
def _agreement_settings(settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.PAYMENTS_STAND_IN_ENABLED = False


@pytest.fixture
def event(tree):
    """An event in the Africa region whose organisers write from ORGANISER_EMAIL."""
    event = make_event(tree[1], region="AFR", organiser_email=ORGANISER_EMAIL)
    make_terms(event)
    return event


@pytest.fixture
def package(event):
    return make_package(
        event,
        title="Gold sponsor",
        category=PackageCategory.HEADLINE,
        price="50000.00",
        capacity=3,
        max_per_sponsor=1,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.PASSES, 5, 7)],
    )


@pytest.fixture
def clauses(db):
    return [
        StandardClause.objects.create(
            title="No endorsement", body="No endorsement implied.", order=1
        ),
        StandardClause.objects.create(title="Old clause", body="Retired.", order=2, active=False),
    ]


@pytest.fixture
def sponsor(db):
    user, organisation = make_sponsor(name="Acme")
    organisation.legal_name = "Acme Corporation SA"
    organisation.billing_address = "1 Rue du Rhône\n1204 Geneva"
    organisation.save()
    Contact.objects.create(
        organisation=organisation, role=ContactRole.SIGNATORY, name="Ada Lovelace",
        email=SIGNATORY_EMAIL,
    )  # fmt: skip
    return user, organisation


@pytest.fixture
def pledge(sponsor, package):
    return pledge_for(sponsor, package, quantity=1, payment_method="bank_transfer")


def pay(pledge, reference="BANK-1"):
    """Record the full transfer: settlement marks the pledge paid (and queues its agreement)."""
    return record_transfer(
        pledge,
        amount=pledge.total,
        currency=pledge.currency,
        value_date=timezone.localdate(),
        bank_reference=reference,
        actor=None,
    )


def agreement_mails(mailoutbox, fragment="agreement"):
    return [m for m in mailoutbox if fragment.lower() in m.subject.lower()]


@pytest.fixture
def sent_agreement(pledge, clauses, django_capture_on_commit_callbacks):
    """The pledge paid and its agreement issued (sent to the signatory)."""
    from marketplace.agreements.models import Agreement

    with django_capture_on_commit_callbacks(execute=True):
        pay(pledge)
    return Agreement.objects.get(pledge=pledge)


def sign_data(agreement, **overrides):
    data = {
        "full_name": "Ada Lovelace",
        "title": "Chief Executive",
        "confirm": "on",
        "document_sha256": agreement.sha256,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _staff(tree, email, group_name, first_name, last_name):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from events.editorial import ensure_editorial_setup, ensure_scope_permissions
    from marketplace.agreements.permissions import ensure_agreement_permissions

    ensure_editorial_setup(tree[1])
    ensure_agreement_permissions()
    ensure_scope_permissions()
    user = get_user_model().objects.create_user(
        email, email, "pw", first_name=first_name, last_name=last_name
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def organiser(tree, client, event):
    """An "Event organisers" member who organises `event`, signed in."""
    from events.editorial import ORGANISERS
    from events.models import EventOrganiser

    user = _staff(tree, "olivia@example.org", ORGANISERS, "Olivia", "Okafor")
    EventOrganiser.objects.create(event=event, user=user)
    client.force_login(user)
    return user


@pytest.fixture
def approver(tree, client):
    """A "Sponsorship approvers" member (countersigns and reissues), signed in."""
    from events.editorial import APPROVERS

    user = _staff(tree, "amadou@example.org", APPROVERS, "Amadou", "Diallo")
    client.force_login(user)
    return user


@pytest.fixture
def signed_agreement(sent_agreement, sponsor):
    """The agreement signed by the sponsor (as the portal does)."""
    from marketplace.agreements.signing import sign_as_sponsor

    sign_as_sponsor(
        sent_agreement,
        user=sponsor[0],
        full_name="Ada Lovelace",
        title="Chief Executive",
        confirmed=True,
        document_sha256=sent_agreement.sha256,
        ip_address="203.0.113.7",
        user_agent="SponsorBrowser/1.0",
    )
    sent_agreement.refresh_from_db()
    return sent_agreement
