"""Which gateway takes card payments: Stripe, or the local stand-in. Decided here and only here.

A gateway is a module with the same two functions, `create_checkout_session(...)` and
`create_refund(...)`, raising `GatewayError` when it refuses:

* `stripe_gateway` — the official SDK against Stripe (or STRIPE_API_BASE);
* `standin` — development without Stripe keys: checkout sessions open our own TEST PAYMENT page
  and refunds are recorded without asking anyone.

The choice is read from the settings on every call (STRIPE_SECRET_KEY, PAYMENTS_STAND_IN), so a
test that changes them is obeyed; the gateways themselves never branch on it.
"""

from django.conf import settings

from marketplace.payments import standin, stripe_gateway
from marketplace.payments.stripe_gateway import (  # noqa: F401 - the gateways' shared interface
    CheckoutSession,
    GatewayError,
)

STAND_IN_INTENT_PREFIX = "pi_standin_"


def uses_stand_in() -> bool:
    """True when card payments go through the local test checkout instead of Stripe."""
    return not stripe_gateway.is_configured() and settings.PAYMENTS_STAND_IN_ENABLED


def card_payments_available() -> bool:
    return stripe_gateway.is_configured() or uses_stand_in()


def get_gateway(*, payment_intent: str = ""):
    """The gateway to use now: the stand-in while it is on (and, in development, for refunding
    a payment the stand-in took, `pi_standin_…`, even once Stripe keys are set); Stripe
    otherwise — which refuses with `GatewayError` when it is not configured."""
    if uses_stand_in() or (
        settings.DEBUG and (payment_intent or "").startswith(STAND_IN_INTENT_PREFIX)
    ):
        return standin
    return stripe_gateway
