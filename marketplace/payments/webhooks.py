"""Stripe's webhook: verify, record once, dispatch.

`POST /payments/stripe/webhook/` verifies the `Stripe-Signature` header against
STRIPE_WEBHOOK_SECRET (and STRIPE_WEBHOOK_SECRET_PREVIOUS during a rotation; the stand-in's
own secret when it is on) with a 300-second tolerance, then, in ONE transaction, records the
event id and applies its effects. A replay finds the id and answers 200 doing nothing; two
copies delivered at once queue on the id's unique index, so one applies and the other sees a
replay. A failure rolls the whole transaction back — the id included — and answers 500, so
Stripe retries and nothing half-done remains. Unknown event types are recorded and ignored.
"""

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments.models import WebhookEvent
from marketplace.payments.standin import stand_in_secret
from marketplace.payments.webhook_handlers import dispatch
from worker import outbox

log = logging.getLogger(__name__)

TOLERANCE_SECONDS = 300


class Refused(Exception):
    """The request is not a verified Stripe event (answered 400)."""


def signing_secrets() -> list[str]:
    secrets = [settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_WEBHOOK_SECRET_PREVIOUS]
    if settings.PAYMENTS_STAND_IN_ENABLED:
        secrets.append(stand_in_secret())
    return [secret for secret in secrets if secret]


def verify(payload: bytes, header: str | None) -> dict:
    """The event in `payload` if `header` signs it with one of our secrets within the
    tolerance; raises `Refused` otherwise."""
    if not header:
        raise Refused("No Stripe-Signature header.")
    secrets = signing_secrets()
    if not secrets:
        raise Refused("No webhook secret is configured (STRIPE_WEBHOOK_SECRET).")
    error = None
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(payload, header, secret, TOLERANCE_SECONDS)
            break
        except stripe.SignatureVerificationError as exc:
            error = exc
    else:
        raise Refused(str(error.user_message if error else "Invalid signature."))
    try:
        event = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise Refused("The body is not JSON.")
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise Refused("The body is not a Stripe event.")
    return event


def receive(payload: bytes, header: str | None) -> tuple[int, dict]:
    """Verify, record once and apply a webhook; returns (HTTP status, JSON body)."""
    try:
        event = verify(payload, header)
    except Refused as refusal:
        log.warning("Stripe webhook refused: %s", refusal)
        return 400, {"detail": str(refusal)}
    try:
        # One transaction; the tasks that follow (receipt PDF, benefit tasks, agreement) are
        # written to the outbox in one insert at its end and published together after commit.
        with transaction.atomic(), outbox.batch():
            try:
                with transaction.atomic():
                    record = WebhookEvent.objects.create(
                        event_id=event["id"],
                        type=event["type"],
                        livemode=bool(event.get("livemode")),
                    )
            except IntegrityError:
                return 200, {"status": "duplicate", "event": event["id"]}
            outcome = dispatch(event)
            record.outcome = outcome
            record.save(update_fields=["outcome"])
    except Exception:
        log.exception(
            "Stripe webhook %s (%s) failed; Stripe will retry", event["id"], event["type"]
        )
        return 500, {"detail": "The event could not be processed; it will be retried."}
    return 200, {"status": "processed", "event": event["id"], "outcome": outcome}


@csrf_exempt
@require_POST
def stripe_webhook(request):
    status, body = receive(request.body, request.headers.get("Stripe-Signature"))
    return JsonResponse(body, status=status)
