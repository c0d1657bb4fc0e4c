"""The local stand-in for Stripe's hosted checkout, for development without Stripe keys.

With PAYMENTS_STAND_IN on (the default when DEBUG is on and STRIPE_SECRET_KEY is empty; start-up
refuses it with DEBUG off), "Pay by card" opens a page of our own, clearly labelled TEST
PAYMENT. Its "Pay" button builds the `checkout.session.completed` event Stripe would send,
signs it like Stripe (with the stand-in's secret, see `webhooks.stand_in_secret`) and hands it
to `webhooks.receive` — the very code path a real webhook takes, signature check included.
"""

import datetime
import json
import secrets
import time

import stripe
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.payments import stripe_gateway, webhooks
from marketplace.payments.models import Payment
from marketplace.payments.states import PaymentStatus

API_VERSION = stripe.api_version


def open_session(*, reference: str, expires_at: datetime.datetime):
    session_id = "cs_test_standin_" + secrets.token_hex(12)
    return stripe_gateway.CheckoutSession(
        id=session_id,
        url=settings.SITE_URL + reverse("payments:standin_checkout", args=[session_id]),
        expires_at=expires_at,
    )


def refund(idempotency_key: str) -> str:
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
        "amount_total": stripe_gateway.minor_units(payment.amount, payment.currency),
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
    header = stripe.WebhookSignature.generate_signature_header(payload, webhooks.stand_in_secret())
    return payload.encode(), header


def _payment_for(request, session_id) -> Payment:
    if not settings.PAYMENTS_STAND_IN_ENABLED:
        raise Http404
    return get_object_or_404(
        Payment.objects.select_related("pledge", "pledge__event", "pledge__organisation"),
        stripe_session_id=session_id,
        pledge__organisation__memberships__user=request.user,
    )


@login_required
def checkout(request, session_id):
    payment = _payment_for(request, session_id)
    pledge = payment.pledge
    error = None
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        if request.POST.get("action") == "pay":
            payload, header = signed_event(
                "checkout.session.completed", session_object(payment, paid=True)
            )
            status, body = webhooks.receive(payload, header)
            if status == 200:
                return redirect(
                    reverse("payments:card_return", args=[pledge.public_id])
                    + f"?session_id={payment.stripe_session_id}"
                )
            error = _("The test webhook was refused (%(status)s): %(detail)s") % {
                "status": status,
                "detail": body.get("detail", ""),
            }
        else:
            return redirect(
                reverse("pledges:detail", args=[pledge.public_id]) + "?payment=cancelled"
            )
    return render(
        request,
        "payments/standin_checkout.html",
        {"payment": payment, "pledge": pledge, "error": error},
        status=400 if error else 200,
    )
