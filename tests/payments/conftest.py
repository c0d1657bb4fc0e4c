import pytest

from marketplace.payments import stripe_gateway
from sponsors.models import Contact, ContactRole
from tests.factories import make_package, make_sponsor, pledge_for
from tests.payments.stripe_fake import PREVIOUS_SECRET, WEBHOOK_SECRET, FakeStripe


@pytest.fixture(autouse=True)
def _payments_settings(settings, tmp_path):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_WEBHOOK_SECRET_PREVIOUS = PREVIOUS_SECRET
    settings.STRIPE_API_BASE = ""
    settings.PAYMENTS_STAND_IN_ENABLED = False
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def fake_stripe(monkeypatch):
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    return fake


@pytest.fixture
def dinner(event):
    """An exclusive package: one slot."""
    return make_package(
        event, title="Networking dinner", slug="dinner", price="20000.00", capacity=1
    )


@pytest.fixture
def sponsor(db):
    """Acme, with a finance contact (who receives receipts and invoices)."""
    user, organisation = make_sponsor(name="Acme")
    Contact.objects.create(
        organisation=organisation,
        role=ContactRole.FINANCE,
        name="Luis Ortega",
        email="accounts@acme.example",
    )
    return user, organisation


@pytest.fixture
def card_pledge(sponsor, package):
    return pledge_for(sponsor, package, quantity=2, payment_method="card")


@pytest.fixture
def bank_pledge(sponsor, package):
    return pledge_for(sponsor, package, quantity=2, payment_method="bank_transfer")
