"""The findings of the trust-boundary review about API tokens, each tried over HTTP as an
attacker would: a new X-Forwarded-For per guess, many guesses at one email, a token for a
superuser or an unverified address, a token that never expires or outlives a password."""

import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_sponsor

TOKEN_URL = "/api/v1/auth/token/"
PLEDGES = "/api/v1/pledges/"

pytestmark = pytest.mark.django_db


def ask(email, password, **headers):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password}, "json", **headers)


def obtain(email):
    response = ask(email, PASSWORD)
    assert response.status_code == 200, response.content
    return response.json()


def pledges_with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(PLEDGES)


# --- Throttling reads the client address as the rest of the site does -------------------------


def test_a_new_forwarded_for_per_guess_is_still_throttled(db):
    # No proxy is declared (TRUSTED_PROXY_COUNT=0): the header is the client's own invention.
    statuses = [
        ask(f"guess{n}@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_behind_one_proxy_the_entries_the_client_forged_do_not_count(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        ask(
            f"guess{n}@example.com",
            "wrong",
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7",  # forged, then what it saw
        ).status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    # Another client behind the same proxy is not held up.
    other = ask(
        "other@example.com", "wrong", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 400


def test_five_failures_lock_the_email_whatever_the_address(db):
    user, _org = make_sponsor("target@example.com")
    for n in range(5):
        response = ask(
            "target@example.com",
            f"wrong{n}",
            REMOTE_ADDR=f"192.0.2.{n + 1}",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        assert response.status_code == 400
    # The right password, from yet another address, during the lock: refused.
    locked = ask("TARGET@example.com", PASSWORD, REMOTE_ADDR="192.0.2.99")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.json()["detail"]
    assert locked.has_header("Retry-After")
    # Another account is not affected.
    make_sponsor("bystander@example.com")
    assert ask("bystander@example.com", PASSWORD, REMOTE_ADDR="192.0.2.99").status_code == 200
    # After the window, the right password works again.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        from django.core.cache import cache

        if hasattr(cache, "_expire_info"):  # the per-process cache reads its own clock
            assert ask("target@example.com", PASSWORD, REMOTE_ADDR="192.0.2.98").status_code == 200


# --- Who may hold a token ---------------------------------------------------------------------


def test_no_token_for_a_superuser(db):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    EmailAddress.objects.create(
        user=get_user_model().objects.get(username="root"),
        email="root@example.org",
        verified=True,
        primary=True,
    )
    response = ask("root@example.org", PASSWORD)
    assert response.status_code == 403
    assert "superuser" in response.json()["detail"]
    assert "token" not in response.json()


def test_no_token_for_an_unverified_email(db):
    make_sponsor("fresh@example.com", verified=False)
    response = ask("fresh@example.com", PASSWORD)
    assert response.status_code == 403
    assert "Verify your email address" in response.json()["detail"]
    assert "token" not in response.json()


def test_a_wrong_password_for_a_superuser_says_nothing_more(db):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    response = ask("root@example.org", "wrong")
    assert response.status_code == 400
    assert "superuser" not in response.content.decode()


# --- Tokens expire and die with the password --------------------------------------------------


def test_a_token_expires_after_api_token_days(sponsor, settings):
    settings.API_TOKEN_DAYS = 7
    user, _org = sponsor
    issued = obtain(user.email)
    expires = parse_datetime(issued["expires"])
    assert abs(expires - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(
        minutes=1
    )
    assert pledges_with(issued["token"]).status_code == 200
    with time_machine.travel(expires - datetime.timedelta(minutes=1)):
        assert pledges_with(issued["token"]).status_code == 200
    with time_machine.travel(expires + datetime.timedelta(minutes=1)):
        refused = pledges_with(issued["token"])
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_the_default_lifetime_is_30_days(sponsor):
    issued = obtain(sponsor[0].email)
    lifetime = parse_datetime(issued["expires"]) - timezone.now()
    assert datetime.timedelta(days=29, hours=23) < lifetime <= datetime.timedelta(days=30)


def test_a_token_does_not_survive_a_password_change(sponsor):
    user, _org = sponsor
    token = obtain(user.email)["token"]
    assert pledges_with(token).status_code == 200
    user.set_password("a-brand-new-passphrase")
    user.save()
    assert pledges_with(token).status_code == 401


def test_each_request_gets_a_new_token_and_the_old_one_still_works(sponsor):
    first = obtain(sponsor[0].email)["token"]
    second = obtain(sponsor[0].email)["token"]
    assert first != second
    assert pledges_with(first).status_code == 200
    assert pledges_with(second).status_code == 200


def test_no_table_holds_the_token_in_plain_text(sponsor):
    token = obtain(sponsor[0].email)["token"]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, table)
                if "char" in str(c.type_code).lower()
                or "text" in str(c.type_code).lower()
                or c.type_code in (1043, 25)  # PostgreSQL's varchar and text
            ]
            for column in columns:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}" = %s',  # noqa: S608 (names from introspection)
                    [token],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column}")
    assert found == []
