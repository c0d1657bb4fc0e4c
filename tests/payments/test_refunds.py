"""Refunds from the admin: Stripe's Refund API for cards, a recorded refund for transfers; a
credit note against the receipt; the pledge's state; slots freed on a full refund."""

from decimal import Decimal

import pytest
from django.utils import timezone

from events.availability import taken_quantities
from marketplace.finance.models import CreditNote, Receipt
from marketplace.payments.bank import record_transfer
from marketplace.payments.checkout import start_card_payment
from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Flag, Payment, Refund
from marketplace.payments.refunds import refund_payment
from marketplace.pledges.models import Pledge
from tests.payments.stripe_fake import completed_session, event, post_webhook


@pytest.fixture
def paid_by_card(client, card_pledge, sponsor, fake_stripe):
    payment = start_card_payment(card_pledge, user=sponsor[0])
    session = completed_session(payment)
    post_webhook(client, event("checkout.session.completed", session))
    payment.refresh_from_db()
    return payment


@pytest.fixture
def finance_user(django_user_model):
    return django_user_model.objects.create_user("fin", "fin@example.org", "x")


def test_partial_card_refund_calls_stripe_and_issues_a_credit_note(
    paid_by_card, fake_stripe, finance_user
):
    refund = refund_payment(
        paid_by_card, amount="2500.00", reason="Dinner cancelled", actor=finance_user
    )

    [(method, path, headers, params)] = fake_stripe.calls("/v1/refunds")
    assert (method, path) == ("post", "/v1/refunds")
    assert params["payment_intent"] == paid_by_card.stripe_payment_intent
    assert params["amount"] == "250000"
    assert headers["Idempotency-Key"] == refund.idempotency_key
    assert refund.idempotency_key.startswith("refund-")

    refund.refresh_from_db()
    assert refund.status == "succeeded" and refund.stripe_refund_id.startswith("re_")
    note = CreditNote.objects.get()
    receipt = Receipt.objects.get()
    assert (note.receipt, note.amount, note.refund) == (receipt, Decimal("2500.00"), refund)
    assert note.number.startswith("CN-") and receipt.number in note.lines[0]["description"]
    assert Pledge.objects.get(pk=paid_by_card.pledge_id).status == "partially_refunded"
    paid_by_card.refresh_from_db()
    assert paid_by_card.status == "succeeded" and paid_by_card.refundable_amount == Decimal(
        "7500.00"
    )


def test_full_refund_frees_the_slots(paid_by_card, package, finance_user):
    assert taken_quantities([package.pk]) == {package.pk: 2}
    refund_payment(paid_by_card, amount="10000.00", reason="Event cancelled", actor=finance_user)
    assert Pledge.objects.get(pk=paid_by_card.pledge_id).status == "refunded"
    assert Payment.objects.get(pk=paid_by_card.pk).status == "refunded"
    assert taken_quantities([package.pk]) == {}


def test_refunding_more_than_is_left_is_refused_and_changes_nothing(
    paid_by_card, fake_stripe, finance_user
):
    refund_payment(paid_by_card, amount="9000", reason="Most of it", actor=finance_user)
    with pytest.raises(PaymentError) as error:
        refund_payment(paid_by_card, amount="1000.01", reason="Too much", actor=finance_user)
    assert error.value.field == "amount" and "CHF 1000.00" in error.value.message
    assert len(fake_stripe.calls("/v1/refunds")) == 1 and Refund.objects.count() == 1


def test_stripe_refusing_a_refund_leaves_the_pledge_paid(paid_by_card, fake_stripe, finance_user):
    fake_stripe.fail_with = (
        400,
        {"type": "invalid_request_error", "message": "Charge already refunded"},
    )
    with pytest.raises(PaymentError):
        refund_payment(paid_by_card, amount="10000", reason="Try", actor=finance_user)
    assert Pledge.objects.get(pk=paid_by_card.pledge_id).status == "paid"
    assert Refund.objects.get().status == "failed"
    assert not CreditNote.objects.exists()
    assert Payment.objects.get(pk=paid_by_card.pk).refundable_amount == Decimal("10000.00")


def test_the_webhook_does_not_count_an_admin_refund_twice(client, paid_by_card, finance_user):
    refund_payment(paid_by_card, amount="2500", reason="Partial", actor=finance_user)
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 1000000,
        "amount_refunded": 250000,
        "currency": "chf",
        "payment_intent": paid_by_card.stripe_payment_intent,
        "refunded": False,
    }
    response = post_webhook(client, event("charge.refunded", charge))
    assert response.json()["outcome"] == "ignored: refund already recorded"
    assert Refund.objects.count() == 1 and CreditNote.objects.count() == 1
    assert not Flag.objects.exists()


def test_a_refund_made_in_stripes_dashboard_is_recorded_once_and_flagged(client, paid_by_card):
    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 1000000,
        "amount_refunded": 1000000,
        "currency": "chf",
        "payment_intent": paid_by_card.stripe_payment_intent,
        "refunded": True,
    }
    body = event("charge.refunded", charge)
    assert post_webhook(client, body).json()["outcome"] == "refund recorded"
    post_webhook(client, event("charge.refunded", charge))  # Stripe sends it again, new id
    refund = Refund.objects.get()
    assert (refund.amount, refund.source) == (Decimal("10000.00"), "stripe")
    assert CreditNote.objects.count() == 1
    assert Pledge.objects.get(pk=paid_by_card.pledge_id).status == "refunded"
    assert Flag.objects.get().kind == "refund_outside"


def test_bank_refund_is_recorded_without_stripe(bank_pledge, fake_stripe, finance_user):
    payment, _outcome = record_transfer(
        bank_pledge,
        amount="10000",
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="B-77",
        actor=finance_user,
    )
    refund = refund_payment(payment, amount="10000", reason="Sponsor withdrew", actor=finance_user)
    assert fake_stripe.requests == []
    assert refund.status == "succeeded" and refund.credit_note.amount == Decimal("10000.00")
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "refunded"


def test_refunding_an_overpayment_keeps_the_pledge_paid(bank_pledge, finance_user):
    payment, _ = record_transfer(
        bank_pledge,
        amount="10500",
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference="B-OVER",
        actor=finance_user,
    )
    refund_payment(payment, amount="500", reason="Over-paid", actor=finance_user)
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "paid"
    assert CreditNote.objects.get().amount == Decimal("500.00")
