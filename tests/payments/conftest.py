import pytest

from events.choices import PackageCategory
from marketplace.payments import stripe_gateway
from sponsors.models import Contact, ContactRole
from tests.factories import make_event, make_package
from tests.payments.stripe_fake import PREVIOUS_SECRET, WEBHOOK_SECRET, FakeStripe
from tests.pledges.factories import make_sponsor, make_terms, pledge_for


@pytest.fixture(autouse=True)
def _payments_settings(settings, tmp_path):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_WEBHOOK_SECRET_PREVIOUS = PREVIOUS_SECRET
    settings.STRIPE_API_BASE = ""
    settings.PAYMENTS_STAND_IN_ENABLED = False
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.SITE_URL = "http://testserver"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fake_stripe(monkeypatch):
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    return fake


@pytest.fixture
def event(tree):
    event = make_event(tree[1])
    make_terms(event)
    return event


@pytest.fixture
def package(event):
    """Capacity 3, at most 2 per sponsor, CHF 5,000 each."""
    return make_package(
        event,
        title="Fellowships",
        category=PackageCategory.FELLOWSHIP,
        price="5000.00",
        capacity=3,
        max_per_sponsor=2,
    )


@pytest.fixture
def dinner(event):
    """An exclusive package: one slot."""
    return make_package(
        event, title="Networking dinner", slug="dinner", price="20000.00", capacity=1
    )


@pytest.fixture
def sponsor(db):
    user, organisation = make_sponsor(name="Acme")
    Contact.objects.create(
        organisation=organisation,
        role=ContactRole.FINANCE,
        name="Luis Ortega",
        email="accounts@acme.example",
    )
    return user, organisation


@pytest.fixture
def other_sponsor(db):
    return make_sponsor(name="Borealis")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def card_pledge(sponsor, package):
    return pledge_for(sponsor, package, quantity=2, payment_method="card")


@pytest.fixture
def bank_pledge(sponsor, package):
    return pledge_for(sponsor, package, quantity=2, payment_method="bank_transfer")
