"""Stripe for tests: the real `stripe` SDK with only its transport replaced, and webhooks
signed the way Stripe signs them."""

import json
import secrets
import time
from urllib.parse import parse_qsl

import stripe

WEBHOOK_SECRET = "whsec_test_current"
PREVIOUS_SECRET = "whsec_test_previous"


class FakeStripe(stripe.HTTPClient):
    """Answers the SDK's requests like Stripe's API (current object shapes) and records them:
    `requests` holds (method, path, headers, params) with form-encoded params decoded."""

    name = "fake"

    def __init__(self):
        super().__init__()
        self.requests = []
        self.fail_with = None  # (status, error dict) to answer the next request with
        self.sessions = {}

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        params = dict(parse_qsl(post_data or "", keep_blank_values=True))
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        self.requests.append((method, "/" + path, dict(headers or {}), params))
        if self.fail_with is not None:
            status, error = self.fail_with
            self.fail_with = None
            return json.dumps({"error": error}), status, {"Request-Id": "req_fake"}
        if path.startswith("v1/checkout/sessions"):
            return json.dumps(self._session(params)), 200, {"Request-Id": "req_fake"}
        if path.startswith("v1/refunds"):
            return json.dumps(self._refund(params)), 200, {"Request-Id": "req_fake"}
        return json.dumps({"error": {"type": "invalid_request_error"}}), 404, {}

    def request_stream(self, *args, **kwargs):
        raise NotImplementedError

    def close(self):
        pass

    def _session(self, params):
        key = params.get("expires_at")
        session_id = "cs_test_" + secrets.token_hex(12)
        unit = int(params["line_items[0][price_data][unit_amount]"])
        quantity = int(params["line_items[0][quantity]"])
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": unit * quantity,
            "amount_total": unit * quantity,
            "client_reference_id": params.get("client_reference_id"),
            "created": int(time.time()),
            "currency": params["line_items[0][price_data][currency]"],
            "customer_email": params.get("customer_email"),
            "expires_at": int(key),
            "livemode": False,
            "metadata": {"pledge_reference": params.get("metadata[pledge_reference]")},
            "mode": params["mode"],
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return session

    def _refund(self, params):
        return {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": int(params["amount"]),
            "currency": "chf",
            "payment_intent": params.get("payment_intent"),
            "status": "succeeded",
            "created": int(time.time()),
            "metadata": {"refund": params.get("metadata[refund]")},
        }

    def calls(self, path_start):
        return [r for r in self.requests if r[1].startswith(path_start)]


def event(event_type, obj, *, event_id=None):
    return {
        "id": event_id or "evt_" + secrets.token_hex(12),
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def completed_session(payment, **changes):
    """`checkout.session.completed`'s object for our payment, as Stripe sends it."""
    session = {
        "id": payment.stripe_session_id,
        "object": "checkout.session",
        "amount_total": int(payment.amount * 100),
        "currency": payment.currency.lower(),
        "client_reference_id": payment.pledge.reference,
        "metadata": {"pledge_reference": payment.pledge.reference},
        "mode": "payment",
        "payment_intent": "pi_" + secrets.token_hex(12),
        "payment_status": "paid",
        "status": "complete",
        "livemode": False,
    }
    session.update(changes)
    return session


def signed(body: dict, secret=WEBHOOK_SECRET, timestamp=None) -> tuple[str, str]:
    payload = json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return payload, header


def post_webhook(
    client, body: dict, *, secret=WEBHOOK_SECRET, timestamp=None, header=None, payload=None
):
    signed_payload, signed_header = signed(body, secret, timestamp)
    payload = signed_payload if payload is None else payload
    headers = {} if header is False else {"HTTP_STRIPE_SIGNATURE": header or signed_header}
    return client.post(
        "/payments/stripe/webhook/", data=payload, content_type="application/json", **headers
    )
