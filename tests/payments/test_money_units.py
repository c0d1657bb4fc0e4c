"""Stripe's minor units at the boundary."""

from decimal import Decimal

import pytest

from marketplace.payments.stripe_gateway import from_minor_units, minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("5000.00", "CHF", 500000),
        ("19.99", "usd", 1999),
        ("0.10", "EUR", 10),
        ("5000", "JPY", 5000),  # zero-decimal
        ("12.345", "KWD", 12345),  # three decimals
    ],
)
def test_amounts_cross_to_stripe_in_minor_units(amount, currency, minor):
    assert minor_units(Decimal(amount), currency) == minor
    assert from_minor_units(minor, currency) == Decimal(amount).quantize(Decimal("0.01"))
