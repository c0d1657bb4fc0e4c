# Receipts and invoices follow payments: the same Stripe settings, sponsor and pledge.
from tests.payments.conftest import (  # noqa: F401 - shared fixtures
    _payments_settings,
    bank_pledge,
    card_pledge,
    fake_stripe,
    sponsor,
)
