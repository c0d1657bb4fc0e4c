"""API v1 pledges, exactly as the issue specifies, and every kind of bad input answered with a
clear JSON message while nothing changes."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.pledges.models import Pledge
from sponsors.models import Clearance
from tests.factories import PASSWORD, make_package, make_sponsor, make_token, pledge_for

URL = "/api/v1/pledges/"


@pytest.fixture
def api(sponsor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
    return client


def body(package, /, **overrides):
    data = {"package": package.pk, "quantity": 1, "payment_method": "card", "accept_terms": True}
    data.update(overrides)
    return data


# --- Tokens --------------------------------------------------------------------------------


def test_token_for_email_and_password(sponsor):
    user, _organisation = sponsor
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email.upper(), "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"token", "expires"}
    # The token it gives works.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {data['token']}")
    assert client.get(URL).status_code == 200


NO_MATCH = {"non_field_errors": ["Unable to sign in with this email and password."]}
NOT_AN_EMAIL = {"email": ["Enter a valid email address."]}


@pytest.mark.parametrize(
    ("credentials", "errors"),
    [
        ({"email": "sponsor@example.com", "password": "wrong"}, NO_MATCH),
        ({"email": "nobody@example.com", "password": PASSWORD}, NO_MATCH),
        ({"email": "not-an-email", "password": PASSWORD}, NOT_AN_EMAIL),
        ({"email": "sponsor@example.com"}, {"password": ["This field is required."]}),
    ],
)
def test_bad_credentials_get_400(db, credentials, errors):
    make_sponsor("sponsor@example.com")
    response = APIClient().post("/api/v1/auth/token/", credentials, format="json")
    assert response.status_code == 400
    assert response.json() == errors  # which field, or that the pair does not match


def test_token_endpoint_is_throttled(sponsor):
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"email": f"x{n}@example.com", "password": "guess"},
            format="json",
        ).status_code
        for n in range(11)  # another email each time: this is the per-address limit
    ]
    assert statuses == [400] * 10 + [429]


# --- Making pledges ------------------------------------------------------------------------


def test_pledge_is_created_with_201(api, package, event):
    response = api.post(URL, body(package, quantity=2, payment_method="bank_transfer"), "json")
    assert response.status_code == 201, response.content
    data = response.json()
    pledge = Pledge.objects.get()
    assert data["reference"] == pledge.reference
    assert (data["status"], data["quantity"], data["amount"], data["currency"]) == (
        "held",
        2,
        "10000.00",
        "CHF",
    )
    assert data["package"] == package.pk
    assert data["expires_at"].startswith(pledge.expires_at.strftime("%Y-%m-%dT%H:%M"))
    # The catalogue endpoints count the hold.
    assert api.get(f"/api/v1/packages/{package.pk}/").json()["available"] == 1
    event_packages = api.get(f"/api/v1/events/{event.slug}/").json()["packages"]
    assert [p["available"] for p in event_packages if p["id"] == package.pk] == [1]


def test_sold_out_gets_409_with_a_detail(api, package, other_sponsor):
    pledge_for(other_sponsor, package, quantity=2)
    pledge_for(make_sponsor(), package, quantity=1)
    response = api.post(URL, body(package), "json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Sold out: none of this package is left.", "available": 0}


def test_not_enough_left_gets_409(api, package, other_sponsor):
    pledge_for(other_sponsor, package, quantity=2)
    response = api.post(URL, body(package, quantity=2), "json")
    assert response.status_code == 409
    assert "only 1" in response.json()["detail"]
    assert Pledge.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"quantity": 0}, "quantity", "at least 1"),
        ({"quantity": -1}, "quantity", "at least 1"),
        ({"quantity": "many"}, "quantity", "valid integer"),
        ({"quantity": 3}, "quantity", "at most 2"),
        ({"package": 987654}, "package", "no published package"),
        ({"payment_method": "cheque"}, "payment_method", "not a valid choice"),
        ({"accept_terms": False}, "accept_terms", "accept the event's terms"),
        ({"accept_terms": None}, "accept_terms", "null"),
    ],
)
def test_bad_input_gets_400_with_field_errors(api, package, overrides, field, words):
    response = api.post(URL, body(package, **overrides), "json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert words in " ".join(errors[field])
    assert Pledge.objects.count() == 0


def test_missing_fields_are_named(api):
    response = api.post(URL, {}, "json")
    assert response.status_code == 400
    assert set(response.json()) == {"package", "quantity", "payment_method", "accept_terms"}


def test_unpublished_package_gets_400(api, event):
    draft = make_package(event, title="Draft", live=False)
    response = api.post(URL, body(draft), "json")
    assert response.status_code == 400
    assert "no published package" in response.json()["package"][0]


def test_pledge_after_the_deadline_gets_400(api, sponsor, package, event):
    after = datetime.datetime.combine(
        event.sponsorship_deadline + datetime.timedelta(days=1), datetime.time(8)
    )
    with time_machine.travel(timezone.make_aware(after)):
        # A token issued then: the fixture's would have expired by the deadline.
        api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(sponsor[0])}")
        response = api.post(URL, body(package), "json")
    assert response.status_code == 400
    assert "closed on" in response.json()["package"][0]
    assert Pledge.objects.count() == 0


def test_malformed_json_gets_400(api, package):
    response = api.generic(
        "POST", URL, '{"package": 1, "quantity": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "not valid JSON" in response.json()["detail"]
    assert Pledge.objects.count() == 0


def test_ten_megabyte_body_gets_413_in_json(api, package):
    huge = json.dumps({**body(package), "padding": "x" * (10 * 1024 * 1024)})
    response = api.generic("POST", URL, huge, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]
    assert "2 MB" in response.json()["detail"]
    assert Pledge.objects.count() == 0


def test_ten_megabyte_body_without_content_length_is_refused_too(api, package):
    from io import BytesIO

    from rest_framework.test import APIRequestFactory

    from marketplace.pledges.api import PledgeList

    huge = json.dumps({**body(package), "padding": "x" * (10 * 1024 * 1024)}).encode()
    request = APIRequestFactory().post(URL, b"", content_type="application/json")
    request.META["CONTENT_LENGTH"] = "1"  # lies: the parser must not trust it
    request._stream = BytesIO(huge)
    request.META["HTTP_AUTHORIZATION"] = api._credentials["HTTP_AUTHORIZATION"]
    response = PledgeList.as_view()(request)
    assert response.status_code == 413
    assert Pledge.objects.count() == 0


def test_form_encoded_body_gets_415_in_json(api, package):
    response = api.post(URL, body(package))  # multipart, not JSON
    assert response.status_code == 415
    assert "detail" in response.json()


def test_without_a_token_gets_401(package):
    response = APIClient().post(URL, body(package), "json")
    assert response.status_code == 401
    assert APIClient().get(URL).status_code == 401
    assert Pledge.objects.count() == 0


def test_bad_token_gets_401(package):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.post(URL, body(package), "json").status_code == 401


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ({"verified": False}, "Verify your email address."),
        ({"declared": False}, "Declare that your organisation"),
        ({"clearance": Clearance.DECLINED}, "declined in due diligence"),
    ],
)
def test_unfinished_onboarding_gets_403_saying_what_is_missing(package, setup, words):
    user, _organisation = make_sponsor(**setup)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    response = client.post(URL, body(package), "json")
    assert response.status_code == 403
    data = response.json()
    assert any(words in item for item in data["missing"])
    assert words in data["detail"]
    assert Pledge.objects.count() == 0


def test_account_without_organisation_gets_403(package):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("loner@example.com", "loner@example.com", "pw")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    for response in (client.post(URL, body(package), "json"), client.get(URL)):
        assert response.status_code == 403
        assert response.json()["missing"] == ["Create or join a sponsor organisation."]


# --- Reading and cancelling ----------------------------------------------------------------


def test_list_shows_the_organisations_pledges_paginated(api, package, sponsor, other_sponsor):
    mine = pledge_for(sponsor, package, quantity=2)
    pledge_for(other_sponsor, package)
    data = api.get(URL).json()
    assert data["count"] == 1
    assert [p["reference"] for p in data["results"]] == [mine.reference]


def test_detail_by_reference(api, package, sponsor):
    pledge = pledge_for(sponsor, package)
    response = api.get(f"{URL}{pledge.reference}/")
    assert response.status_code == 200
    assert response.json()["reference"] == pledge.reference
    assert api.get(f"{URL}SP-2000-000000/").status_code == 404


def test_cancel_by_reference(api, package, sponsor):
    pledge = pledge_for(sponsor, package)
    response = api.post(f"{URL}{pledge.reference}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = api.post(f"{URL}{pledge.reference}/cancel/")
    assert again.status_code == 409
    assert "not paid yet" in again.json()["detail"]
    assert Pledge.objects.get().history.filter(to_state="cancelled").count() == 1
