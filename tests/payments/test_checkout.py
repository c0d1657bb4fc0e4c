"""Pay by card: the Checkout Session the real SDK sends to Stripe, and what happens around it."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.payments.checkout import start_card_payment
from marketplace.payments.models import Payment
from marketplace.pledges.models import Pledge
from tests.factories import make_token, pledge_for


def test_checkout_session_carries_the_pledge_amount_currency_reference_and_expiry(
    card_pledge, sponsor, fake_stripe
):
    user = sponsor[0]
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        payment = start_card_payment(card_pledge, user=user)

    [(method, path, headers, params)] = fake_stripe.calls("/v1/checkout/sessions")
    assert (method, path) == ("post", "/v1/checkout/sessions")
    assert params["mode"] == "payment"
    assert params["line_items[0][quantity]"] == "2"
    assert params["line_items[0][price_data][unit_amount]"] == "500000"  # CHF 5,000.00
    assert params["line_items[0][price_data][currency]"] == "chf"
    assert "Fellowships" in params["line_items[0][price_data][product_data][name]"]
    assert params["customer_email"] == user.email
    assert params["client_reference_id"] == card_pledge.reference
    assert params["metadata[pledge_reference]"] == card_pledge.reference
    assert params["success_url"].startswith(
        f"http://testserver/account/pledges/{card_pledge.public_id}/pay/return/"
    )
    assert params["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    assert (
        params["cancel_url"]
        == f"http://testserver/account/pledges/{card_pledge.public_id}/?payment=cancelled"
    )
    # The card hold is 30 minutes: Stripe's minimum (30 min, plus a minute of margin) wins.
    assert int(params["expires_at"]) == int((now + datetime.timedelta(minutes=31)).timestamp())
    assert headers["Idempotency-Key"] == f"checkout-{card_pledge.public_id}-1"
    assert headers["Authorization"] == "Bearer sk_test_fake"

    assert payment.status == "pending"
    assert payment.amount == card_pledge.total and payment.attempt == 1
    assert payment.checkout_url == f"https://checkout.stripe.com/c/pay/{payment.stripe_session_id}"
    pledge = Pledge.objects.get(pk=card_pledge.pk)
    assert pledge.status == "awaiting_payment"
    assert pledge.expires_at == card_pledge.expires_at  # the hold is not changed


def test_session_ends_with_a_long_hold_but_within_stripes_24_hours(
    event, package, sponsor, fake_stripe
):
    event.card_hold_minutes = 6 * 60
    event.save_revision().publish()
    pledge = pledge_for(sponsor, package, payment_method="card")
    start_card_payment(pledge, user=sponsor[0])
    params = fake_stripe.calls("/v1/checkout/sessions")[0][3]
    assert int(params["expires_at"]) == int(pledge.expires_at.replace(microsecond=0).timestamp())


def test_api_base_comes_from_stripe_api_base(card_pledge, sponsor, fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:12111"
    captured = []
    original = fake_stripe.request

    def spy(method, url, headers, post_data=None, **kwargs):
        captured.append(url)
        return original(method, url, headers, post_data, **kwargs)

    fake_stripe.request = spy
    start_card_payment(card_pledge, user=sponsor[0])
    assert captured == ["http://127.0.0.1:12111/v1/checkout/sessions"]


def test_a_second_click_reuses_the_open_session(card_pledge, sponsor, fake_stripe):
    first = start_card_payment(card_pledge, user=sponsor[0])
    second = start_card_payment(card_pledge, user=sponsor[0])
    assert second.pk == first.pk
    assert len(fake_stripe.calls("/v1/checkout/sessions")) == 1


def test_stripe_error_leaves_pledge_and_hold_unchanged_with_a_clear_message(
    card_pledge, sponsor, fake_stripe, client
):
    fake_stripe.fail_with = (
        400,
        {
            "type": "invalid_request_error",
            "code": "parameter_invalid",
            "message": "Invalid currency",
        },
    )
    client.force_login(sponsor[0])
    response = client.post(f"/account/pledges/{card_pledge.public_id}/pay/card/", follow=True)

    assert response.redirect_chain[-1][0] == f"/account/pledges/{card_pledge.public_id}/"
    assert "The card payment could not be started: nothing was charged" in response.content.decode()
    pledge = Pledge.objects.get(pk=card_pledge.pk)
    assert (pledge.status, pledge.expires_at) == ("held", card_pledge.expires_at)
    assert list(pledge.history.values_list("to_state", flat=True)) == ["held"]
    [payment] = Payment.objects.all()
    assert payment.status == "failed"
    assert payment.error.startswith("The card payment could not be started")
    # A later attempt gets a new idempotency key, so Stripe does not replay the error.
    payment = start_card_payment(card_pledge, user=sponsor[0])
    assert fake_stripe.calls("/v1/checkout/sessions")[-1][2]["Idempotency-Key"].endswith("-2")
    assert payment.attempt == 2


def test_pay_by_card_page_redirects_to_stripe(card_pledge, sponsor, fake_stripe, client):
    client.force_login(sponsor[0])
    page = client.get(f"/account/pledges/{card_pledge.public_id}/").content.decode()
    assert "Pay by card (CHF\xa010,000.00)" in page
    response = client.post(f"/account/pledges/{card_pledge.public_id}/pay/card/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")


def test_api_checkout_answers_201_with_url_and_session(card_pledge, sponsor, fake_stripe):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
    response = api.post(f"/api/v1/pledges/{card_pledge.reference}/checkout/")
    assert response.status_code == 201
    payment = Payment.objects.get()
    assert response.json() == {
        "checkout_url": payment.checkout_url,
        "session_id": payment.stripe_session_id,
    }


@pytest.mark.parametrize("case", ["bank_transfer", "expired", "paid", "awaiting_approval"])
def test_api_checkout_answers_409_when_the_pledge_does_not_await_a_card_payment(
    case, sponsor, package, fake_stripe
):
    pledge = pledge_for(
        sponsor, package, payment_method="card" if case != "bank_transfer" else case
    )
    if case != "bank_transfer":
        Pledge.objects.filter(pk=pledge.pk).update(status=case)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
    response = api.post(f"/api/v1/pledges/{pledge.reference}/checkout/")
    assert response.status_code == 409
    assert (
        response.json()["detail"]
        == {
            "bank_transfer": "This pledge is to be paid by bank transfer.",
            "expired": "This pledge is expired: it can no longer be paid.",
            "paid": "This pledge is already paid.",
            "awaiting_approval": (
                "This pledge waits for the organisers' approval: pay once it is approved."
            ),
        }[case]
    )
    assert fake_stripe.requests == [] and not Payment.objects.exists()


def test_a_hold_that_ran_out_cannot_be_paid(card_pledge, sponsor, fake_stripe):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
    with time_machine.travel(card_pledge.expires_at + datetime.timedelta(seconds=1)):
        response = api.post(f"/api/v1/pledges/{card_pledge.reference}/checkout/")
    assert response.status_code == 409 and "expired" in response.json()["detail"]


def test_other_organisations_get_404_through_api_and_pages(
    card_pledge, other_sponsor, fake_stripe, client
):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(other_sponsor[0])}")
    assert api.post(f"/api/v1/pledges/{card_pledge.reference}/checkout/").status_code == 404
    assert api.post("/api/v1/pledges/SP-2026-000000/checkout/").status_code == 404
    client.force_login(other_sponsor[0])
    assert client.post(f"/account/pledges/{card_pledge.public_id}/pay/card/").status_code == 404
    assert APIClient().post(f"/api/v1/pledges/{card_pledge.reference}/checkout/").status_code == 401
    assert fake_stripe.requests == [] and not Payment.objects.exists()
