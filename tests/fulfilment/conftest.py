"""Fixtures for benefit fulfilment: an event whose package promises several kinds of benefit,
a sponsor, and pledges paid by bank transfer through the real settlement."""

import itertools

import pytest
from django.utils import timezone

from events.choices import BenefitKind, PackageCategory
from marketplace.fulfilment.services import create_tasks_for_pledge
from marketplace.payments.bank import record_transfer
from tests.factories import make_package, make_sponsor, pledge_for

# (kind, quantity, days before the event)
BENEFITS = [
    (BenefitKind.LOGO_WEBSITE, 1, 30),
    (BenefitKind.PASSES, 3, 21),
    (BenefitKind.SOCIAL_MEDIA, 2, 7),
    (BenefitKind.PRESS_RELEASE, 1, 14),
    (BenefitKind.EXHIBITION, 1, 10),
]
_references = itertools.count(1)


@pytest.fixture(autouse=True)
def _fulfilment_settings(settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.PAYMENTS_STAND_IN_ENABLED = False


@pytest.fixture
def package(event):
    return make_package(
        event,
        title="Gold sponsor",
        category=PackageCategory.HEADLINE,
        price="20000.00",
        capacity=5,
        max_per_sponsor=2,
        benefits=BENEFITS,
    )


@pytest.fixture
def sponsor(db):
    """Acme, whose administrator (Maya) receives the asset reminders."""
    return make_sponsor("maya@acme.example", name="Acme")


@pytest.fixture
def other_sponsor(db):
    return make_sponsor("bo@borealis.example", name="Borealis")


def pay(pledge, actor=None):
    """Record a bank transfer of the pledge's total: settlement marks it paid."""
    record_transfer(
        pledge,
        amount=pledge.total,
        currency=pledge.currency,
        value_date=timezone.localdate(),
        bank_reference=f"BANK-{next(_references)}",
        actor=actor,
    )
    pledge.refresh_from_db()
    return pledge


def paid_pledge_with_tasks(user_org, package, quantity=1):
    """A pledge paid in full and its benefit tasks (created as the worker would)."""
    pledge = pay(pledge_for(user_org, package, quantity=quantity))
    return pledge, create_tasks_for_pledge(pledge.pk)


@pytest.fixture
def paid(sponsor, package):
    return paid_pledge_with_tasks(sponsor, package)


@pytest.fixture
def organiser(db, django_user_model, event):
    """An "Event organisers" member who organises `event`."""
    from django.contrib.auth.models import Group

    from events.editorial import ORGANISERS
    from events.models import EventOrganiser
    from marketplace.fulfilment.permissions import ensure_fulfilment_permissions

    ensure_fulfilment_permissions()
    user = django_user_model.objects.create_user(
        "olivia@example.org", "olivia@example.org", "x", first_name="Olivia"
    )
    user.groups.add(Group.objects.get(name=ORGANISERS))
    EventOrganiser.objects.create(event=event, user=user)
    return user
