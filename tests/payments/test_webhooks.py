"""Stripe's webhook: only signed, fresh events from our secrets count, each exactly once, and
each checked against the pledge before it moves anything."""

import json
import time

import pytest

from marketplace.finance.models import Receipt
from marketplace.payments.checkout import start_card_payment
from marketplace.payments.models import Flag, Payment, WebhookEvent
from marketplace.pledges.models import Pledge
from tests.payments.stripe_fake import (
    PREVIOUS_SECRET,
    completed_session,
    event,
    post_webhook,
    signed,
)


@pytest.fixture
def payment(card_pledge, sponsor, fake_stripe):
    return start_card_payment(card_pledge, user=sponsor[0])


def state(payment):
    """(pledge state, payment state, receipts, open flags, recorded events)."""
    payment.refresh_from_db()
    return (
        Pledge.objects.get(pk=payment.pledge_id).status,
        payment.status,
        Receipt.objects.count(),
        sorted(Flag.objects.filter(resolved_at__isnull=True).values_list("kind", flat=True)),
        WebhookEvent.objects.count(),
    )


def test_a_valid_completed_session_pays_the_pledge_and_issues_one_receipt(
    client, payment, on_commit, mailoutbox
):
    with on_commit():
        response = post_webhook(
            client, event("checkout.session.completed", completed_session(payment))
        )
    assert response.status_code == 200 and response.json()["status"] == "processed"
    assert state(payment) == ("paid", "succeeded", 1, [], 1)
    receipt = Receipt.objects.get()
    assert receipt.number.startswith("RCPT-") and receipt.amount == payment.amount
    assert receipt.method == "card" and receipt.payer["legal_name"] == "Acme Ltd"
    assert payment.receipt == receipt and payment.stripe_payment_intent.startswith("pi_")
    # The receipt's PDF went to the finance contact.
    [mail] = [m for m in mailoutbox if receipt.number in m.subject]
    assert mail.to == ["accounts@acme.example"]
    assert mail.attachments[0][0] == f"{receipt.number}.pdf"


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "tampered_body", "stale_timestamp", "missing_header", "garbage_header"],
)
def test_unverified_events_are_refused_and_change_nothing(client, payment, tamper):
    body = event("checkout.session.completed", completed_session(payment))
    kwargs = {}
    if tamper == "wrong_secret":
        kwargs["secret"] = "whsec_someone_else"
    elif tamper == "tampered_body":
        payload, header = signed(body)
        kwargs.update(payload=payload.replace('"paid"', '"paid" '), header=header)
    elif tamper == "stale_timestamp":
        kwargs["timestamp"] = int(time.time()) - 301
    elif tamper == "missing_header":
        kwargs["header"] = False
    else:
        kwargs["header"] = "t=abc,v1=nothing"
    response = post_webhook(client, body, **kwargs)
    assert response.status_code == 400
    assert state(payment) == ("awaiting_payment", "pending", 0, [], 0)


def test_a_timestamp_within_five_minutes_is_accepted(client, payment):
    body = event("checkout.session.completed", completed_session(payment))
    response = post_webhook(client, body, timestamp=int(time.time()) - 290)
    assert response.status_code == 200
    assert state(payment)[:2] == ("paid", "succeeded")


def test_the_previous_secret_is_accepted_during_a_rotation(client, payment):
    body = event("checkout.session.completed", completed_session(payment))
    assert post_webhook(client, body, secret=PREVIOUS_SECRET).status_code == 200
    assert state(payment)[:2] == ("paid", "succeeded")


def test_a_replay_answers_200_and_does_nothing(client, payment):
    body = event("checkout.session.completed", completed_session(payment))
    assert post_webhook(client, body).json()["status"] == "processed"
    replay = post_webhook(client, body)
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    assert state(payment) == ("paid", "succeeded", 1, [], 1)
    # The same session in a new event (Stripe retried with a new id) is not paid twice either.
    again = post_webhook(client, event("checkout.session.completed", completed_session(payment)))
    assert again.json()["outcome"] == "ignored: already recorded"
    assert state(payment) == ("paid", "succeeded", 1, [], 2)


def test_expired_delivered_before_completed_still_counts_the_payment(client, payment):
    expired = event(
        "checkout.session.expired",
        {**completed_session(payment), "status": "expired", "payment_status": "unpaid"},
    )
    assert post_webhook(client, expired).json()["outcome"] == "expired"
    assert state(payment) == ("awaiting_payment", "expired", 0, [], 1)
    post_webhook(client, event("checkout.session.completed", completed_session(payment)))
    assert state(payment) == ("paid", "succeeded", 1, [], 2)


def test_expired_delivered_after_completed_changes_nothing(client, payment):
    post_webhook(client, event("checkout.session.completed", completed_session(payment)))
    expired = event("checkout.session.expired", completed_session(payment, status="expired"))
    assert post_webhook(client, expired).json()["outcome"] == "ignored: payment already succeeded"
    assert state(payment) == ("paid", "succeeded", 1, [], 2)


def test_amount_mismatch_flags_the_payment_and_never_pays(client, payment):
    session = completed_session(payment, amount_total=100)
    response = post_webhook(client, event("checkout.session.completed", session))
    assert response.status_code == 200
    assert state(payment) == ("awaiting_payment", "pending", 0, ["amount_mismatch"], 1)
    flag = Flag.objects.get()
    assert flag.payment == payment and "CHF 1.00" in flag.message and "CHF 10000.00" in flag.message


def test_currency_mismatch_flags_the_payment_and_never_pays(client, payment):
    session = completed_session(payment, currency="usd")
    post_webhook(client, event("checkout.session.completed", session))
    assert state(payment) == ("awaiting_payment", "pending", 0, ["currency_mismatch"], 1)


def test_reference_mismatch_flags_the_payment(client, payment):
    session = completed_session(payment, client_reference_id="SP-2026-999999")
    post_webhook(client, event("checkout.session.completed", session))
    assert state(payment) == ("awaiting_payment", "pending", 0, ["reference_mismatch"], 1)


def test_unknown_reference_is_flagged_and_nothing_else(client, payment):
    session = completed_session(
        payment,
        id="cs_test_not_ours",
        client_reference_id="SP-2026-999999",
        metadata={"pledge_reference": "SP-2026-999999"},
    )
    response = post_webhook(client, event("checkout.session.completed", session))
    assert response.status_code == 200
    assert state(payment) == ("awaiting_payment", "pending", 0, ["unknown_reference"], 1)
    assert Payment.objects.count() == 1


def test_unknown_event_types_are_acknowledged_and_ignored(client, payment):
    response = post_webhook(
        client, event("customer.created", {"id": "cus_1", "object": "customer"})
    )
    assert response.status_code == 200 and response.json()["outcome"] == "ignored: unhandled type"
    assert state(payment) == ("awaiting_payment", "pending", 0, [], 1)


def test_a_failure_while_processing_answers_500_and_leaves_nothing(client, payment, monkeypatch):
    from marketplace.finance import receipts

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(receipts.numbering, "next_number", broken)
    body = event("checkout.session.completed", completed_session(payment))
    response = post_webhook(client, body)
    assert response.status_code == 500
    # No partial state: payment not succeeded, pledge not paid, event not recorded.
    assert state(payment) == ("awaiting_payment", "pending", 0, [], 0)
    assert list(
        Pledge.objects.get(pk=payment.pledge_id).history.values_list("to_state", flat=True)
    ) == [
        "held",
        "awaiting_payment",
    ]
    # Stripe retries the same event once the fault is gone: it is applied then.
    monkeypatch.undo()
    assert post_webhook(client, body).json()["status"] == "processed"
    assert state(payment) == ("paid", "succeeded", 1, [], 1)


def test_async_payment_succeeds_after_an_unpaid_completion(client, payment):
    unpaid = completed_session(payment, payment_status="unpaid")
    assert (
        post_webhook(client, event("checkout.session.completed", unpaid))
        .json()["outcome"]
        .startswith("pending")
    )
    assert state(payment) == ("awaiting_payment", "pending", 0, [], 1)
    paid = completed_session(payment)
    post_webhook(client, event("checkout.session.async_payment_succeeded", paid))
    assert state(payment) == ("paid", "succeeded", 1, [], 2)


def test_async_payment_failure_fails_the_attempt_only(client, payment):
    failed = completed_session(payment, payment_status="unpaid")
    post_webhook(client, event("checkout.session.async_payment_failed", failed))
    assert state(payment) == ("awaiting_payment", "failed", 0, [], 1)


def test_a_dispute_flags_the_payment_for_finance(client, payment):
    session = completed_session(payment)
    post_webhook(client, event("checkout.session.completed", session))
    dispute = {
        "id": "dp_123",
        "object": "dispute",
        "amount": 1000000,
        "currency": "chf",
        "charge": "ch_123",
        "payment_intent": session["payment_intent"],
        "reason": "fraudulent",
        "status": "needs_response",
    }
    post_webhook(client, event("charge.dispute.created", dispute))
    assert state(payment) == ("paid", "succeeded", 1, ["dispute"], 2)
    flag = Flag.objects.get()
    assert flag.payment == payment and "fraudulent" in flag.message


def test_the_webhook_answers_json_to_non_posts(client):
    assert client.get("/payments/stripe/webhook/").status_code == 405
    response = client.post(
        "/payments/stripe/webhook/", data=json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 400
