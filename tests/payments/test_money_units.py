"""Stripe's minor units at the boundary, and the hook other apps attach to when a pledge is paid."""

from decimal import Decimal

import pytest

from marketplace.payments.checkout import start_card_payment
from marketplace.payments.signals import pledge_paid
from marketplace.payments.stripe_gateway import from_minor_units, minor_units
from tests.payments.stripe_fake import completed_session, event, post_webhook


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


def test_pledge_paid_is_sent_once_after_commit(
    client, card_pledge, sponsor, fake_stripe, on_commit
):
    received = []

    def receiver(sender, pledge_id, **kwargs):
        received.append(pledge_id)

    pledge_paid.connect(receiver)
    try:
        payment = start_card_payment(card_pledge, user=sponsor[0])
        body = event("checkout.session.completed", completed_session(payment))
        with on_commit():
            post_webhook(client, body)
            assert received == []  # not before the transaction commits
        with on_commit():
            post_webhook(client, body)  # a replay announces nothing
    finally:
        pledge_paid.disconnect(receiver)
    assert received == [card_pledge.pk]
