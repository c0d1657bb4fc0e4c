"""Without Stripe keys the card journey runs through the local TEST PAYMENT page, which sends
the app a correctly signed webhook; it cannot be switched on with DEBUG off."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.config import insecure_settings
from marketplace.finance.models import Receipt
from marketplace.payments.models import WebhookEvent
from marketplace.pledges.models import Pledge

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stand_in(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_WEBHOOK_SECRET_PREVIOUS = ""
    settings.PAYMENTS_STAND_IN_ENABLED = True


def test_the_test_checkout_pays_through_the_real_webhook_path(
    stand_in, card_pledge, sponsor, client
):
    client.force_login(sponsor[0])
    response = client.post(f"/account/pledges/{card_pledge.public_id}/pay/card/")
    assert response.status_code == 302
    checkout_url = response["Location"]
    assert checkout_url.startswith("http://testserver/payments/test-checkout/cs_test_standin_")

    page = client.get(checkout_url)
    html = page.content.decode()
    assert page.status_code == 200 and "TEST PAYMENT" in html and "No card is charged" in html
    assert "CHF\xa010,000.00" in html

    paid = client.post(checkout_url, {"action": "pay"}, follow=True)
    assert paid.redirect_chain[-1][0] == f"/account/pledges/{card_pledge.public_id}/"
    assert Pledge.objects.get(pk=card_pledge.pk).status == "paid"
    receipt = Receipt.objects.get()
    assert receipt.number in paid.content.decode()
    recorded = WebhookEvent.objects.get()
    assert recorded.type == "checkout.session.completed" and recorded.event_id.startswith(
        "evt_standin_"
    )


def test_the_test_checkout_is_only_for_the_pledging_organisation(
    stand_in, card_pledge, sponsor, other_sponsor, client
):
    client.force_login(sponsor[0])
    checkout_url = client.post(f"/account/pledges/{card_pledge.public_id}/pay/card/")["Location"]
    client.force_login(other_sponsor[0])
    assert client.post(checkout_url, {"action": "pay"}).status_code == 404
    assert Pledge.objects.get(pk=card_pledge.pk).status == "awaiting_payment"


def test_the_stand_in_secret_is_refused_once_the_stand_in_is_off(
    stand_in, card_pledge, sponsor, client, settings
):
    from marketplace.payments.models import Payment
    from marketplace.payments.standin import session_object, signed_event

    client.force_login(sponsor[0])
    client.post(f"/account/pledges/{card_pledge.public_id}/pay/card/")
    payload, header = signed_event(
        "checkout.session.completed", session_object(Payment.objects.get())
    )
    settings.PAYMENTS_STAND_IN_ENABLED = False
    settings.STRIPE_WEBHOOK_SECRET = "whsec_real"
    response = client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert Pledge.objects.get(pk=card_pledge.pk).status == "awaiting_payment"
    assert client.get("/payments/test-checkout/anything/").status_code == 404


def test_insecure_settings_name_the_stand_in_when_debug_is_off():
    problems = insecure_settings(
        {
            "DEBUG": False,
            "SECRET_KEY": "x" * 30 + "abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": ["example.org"],
            "PAYMENTS_STAND_IN_ENABLED": True,
        }
    )
    assert problems == [
        "PAYMENTS_STAND_IN must be off when DEBUG is off: the test checkout is for development."
    ]


def test_start_up_refuses_the_stand_in_with_debug_off(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "PAYMENTS_STAND_IN": "true",
        "SECRET_KEY": "a-strong-secret-key-for-this-test-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "example.org",
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Refusing to start with DEBUG off" in result.stderr
    assert "PAYMENTS_STAND_IN must be off" in result.stderr
    # And the same environment without the stand-in starts.
    env["PAYMENTS_STAND_IN"] = "false"
    ok = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
