"""The local stand-in for Stripe, for development without Stripe keys (a gateway: `gateway.py`).

With PAYMENTS_STAND_IN on (the default when DEBUG is on and STRIPE_SECRET_KEY is empty; start-up
refuses it with DEBUG off), "Pay by card" opens a page of our own, clearly labelled TEST
PAYMENT (`views.standin_checkout`). Its "Pay" button builds the `checkout.session.completed`
event Stripe would send (`session_object`, `signed_event`), signs it like Stripe with
`stand_in_secret()` and hands it to `webhooks.receive` — the very code path a real webhook
takes, signature check included. Refunds are recorded without asking anyone.
"""

import datetime
import hashlib
import hmac
import json
import secrets
import time

import stripe
from django.conf import settings
from django.urls import reverse

from marketplace.payments.models import Payment
from marketplace.payments.stripe_gateway import CheckoutSession, minor_units

API_VERSION = stripe.api_version


def stand_in_secret() -> str:
    """The secret the local stand-in signs with: derived from SECRET_KEY, accepted only while
    the stand-in is on (never with DEBUG off, see marketplace/config.py)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"payments-stand-in", hashlib.sha256)
    return "whsec_standin_" + digest.hexdigest()


def create_checkout_session(*, reference: str, expires_at: datetime.datetime, **_stripe_params):
    """A session on our TEST PAYMENT page; the Stripe-only parameters are not needed."""
    session_id = "cs_test_standin_" + secrets.token_hex(12)
    return CheckoutSession(
        id=session_id,
        url=settings.SITE_URL + reverse("payments:standin_checkout", args=[session_id]),
        expires_at=expires_at,
    )


def create_refund(*, idempotency_key: str, **_stripe_params) -> str:
    return "re_standin_" + secrets.token_hex(8)


def session_object(payment: Payment, *, paid: bool = True) -> dict:
    """The Checkout Session as Stripe's event would carry it."""
    pledge = payment.pledge
    return {
        "id": payment.stripe_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete" if paid else "expired",
        "payment_status": "paid" if paid else "unpaid",
        "amount_total": minor_units(payment.amount, payment.currency),
        "currency": payment.currency.lower(),
        "client_reference_id": pledge.reference,
        "metadata": {"pledge_reference": pledge.reference},
        "payment_intent": ("pi_standin_" + secrets.token_hex(12)) if paid else None,
        "livemode": False,
    }


def signed_event(event_type: str, obj: dict) -> tuple[bytes, str]:
    """A Stripe-shaped event and the `Stripe-Signature` header that signs it."""
    event = {
        "id": "evt_standin_" + secrets.token_hex(12),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, stand_in_secret())
    return payload.encode(), header
