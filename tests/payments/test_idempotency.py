"""`Idempotency-Key` on the API's POST operations: a retried request gets the first answer and
has no second effect; the same key for another request is refused with 422."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.finance.models import Invoice
from marketplace.payments.models import Payment
from marketplace.pledges.models import Pledge
from tests.factories import make_token

pytestmark = pytest.mark.django_db

PLEDGES = "/api/v1/pledges/"


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return client


def body(package, quantity=1):
    return {
        "package": package.pk,
        "quantity": quantity,
        "payment_method": "bank_transfer",
        "accept_terms": True,
    }


def test_a_retried_pledge_is_made_once_and_answered_the_same(sponsor, package):
    api = api_for(sponsor[0])
    first = api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="order-1")
    again = api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Pledge.objects.count() == 1


def test_without_a_key_two_posts_make_two_pledges(sponsor, package):
    api = api_for(sponsor[0])
    api.post(PLEDGES, body(package), "json")
    api.post(PLEDGES, body(package), "json")
    assert Pledge.objects.count() == 2


def test_the_same_key_with_another_body_is_refused_with_422(sponsor, package):
    api = api_for(sponsor[0])
    api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="order-1")
    response = api.post(PLEDGES, body(package, quantity=2), "json", HTTP_IDEMPOTENCY_KEY="order-1")
    assert response.status_code == 422
    assert "already used for a different request" in response.json()["detail"]
    assert Pledge.objects.get().quantity == 1


def test_keys_belong_to_one_account(sponsor, other_sponsor, package):
    api_for(sponsor[0]).post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="k")
    other = api_for(other_sponsor[0]).post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="k")
    assert other.status_code == 201
    assert not other.has_header("Idempotent-Replayed")
    assert Pledge.objects.count() == 2


def test_a_copy_that_arrives_while_the_first_runs_does_not_run(sponsor, package):
    from marketplace.core.models import IdempotentRequest

    # What a concurrent duplicate finds: the first request's row, still without an answer.
    IdempotentRequest.objects.create(user=sponsor[0], key="k", fingerprint="x" * 64)
    api = api_for(sponsor[0])
    # Same fingerprint as the running one: take it from a real request's record.
    api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="probe")
    probe = IdempotentRequest.objects.get(key="probe")
    IdempotentRequest.objects.filter(key="k").update(fingerprint=probe.fingerprint)
    response = api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 409
    assert "still being processed" in response.json()["detail"]
    assert Pledge.objects.count() == 1  # the probe's only


def test_a_key_is_forgotten_after_24_hours(sponsor, package):
    from marketplace.core.models import IdempotentRequest

    api = api_for(sponsor[0])
    api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="old")
    api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="order-1")
    Pledge.objects.order_by("pk").first().delete()  # room for one more within the limits
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        api = api_for(sponsor[0])
        again = api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="order-1")
        assert again.status_code == 201
        assert not again.has_header("Idempotent-Replayed")
        # Writing a key purged the expired ones.
        assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["order-1"]
    assert Pledge.objects.count() == 2


def test_an_unusable_key_is_refused(sponsor, package):
    api = api_for(sponsor[0])
    response = api.post(PLEDGES, body(package), "json", HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert Pledge.objects.count() == 0


def test_a_refusal_is_replayed_too(sponsor, package):
    api = api_for(sponsor[0])
    first = api.post(PLEDGES, body(package, quantity=3), "json", HTTP_IDEMPOTENCY_KEY="k")
    again = api.post(PLEDGES, body(package, quantity=3), "json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()


def test_cancel_is_idempotent(sponsor, bank_pledge):
    api = api_for(sponsor[0])
    url = f"{PLEDGES}{bank_pledge.reference}/cancel/"
    first = api.post(url, HTTP_IDEMPOTENCY_KEY="cancel-1")
    again = api.post(url, HTTP_IDEMPOTENCY_KEY="cancel-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    # Without the key the second cancel is a conflict: it did run again.
    assert api.post(url).status_code == 409


def test_invoice_is_idempotent(sponsor, bank_pledge):
    api = api_for(sponsor[0])
    url = f"{PLEDGES}{bank_pledge.reference}/invoice/"
    first = api.post(url, HTTP_IDEMPOTENCY_KEY="inv")
    again = api.post(url, HTTP_IDEMPOTENCY_KEY="inv")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Invoice.objects.count() == 1


def test_checkout_is_idempotent(sponsor, card_pledge, fake_stripe):
    api = api_for(sponsor[0])
    url = f"{PLEDGES}{card_pledge.reference}/checkout/"
    first = api.post(url, HTTP_IDEMPOTENCY_KEY="pay")
    calls = len(fake_stripe.requests)
    again = api.post(url, HTTP_IDEMPOTENCY_KEY="pay")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(fake_stripe.requests) == calls  # Stripe was not asked again
    assert Payment.objects.count() == 1


def test_the_schema_documents_the_header(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/pledges/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in operation.get("parameters", [])]
