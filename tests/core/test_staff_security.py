"""One sign-in for everyone: the Wagtail admin signs in through allauth (its rate limits apply
to staff too), Wagtail's own password reset is gone, staff need an authenticator app when
STAFF_REQUIRE_MFA is on, and a staff session ends after STAFF_SESSION_HOURS idle."""

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def boss(db):
    return make_user("boss@example.org", is_superuser=True, is_staff=True)


def opens_the_admin(client) -> bool:
    return client.get(reverse("wagtailadmin_home")).status_code == 200


def test_the_admin_sign_in_page_sends_staff_to_allauth_keeping_next(client):
    response = client.get(ADMIN_LOGIN, {"next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    # Signed out, an admin page leads to allauth's sign-in too.
    response = client.get("/admin/pages/")
    assert response["Location"].startswith("/accounts/login/?next=")
    # An off-site `next` is not carried along.
    response = client.get(ADMIN_LOGIN, {"next": "https://evil.example/"})
    assert "evil" not in response["Location"]


def test_thirty_wrong_passwords_on_the_admin_sign_in_then_the_right_one_do_not_open_it(
    client, boss
):
    for attempt in range(30):
        client.post(ADMIN_LOGIN, {"username": boss.email, "password": f"wrong-{attempt}"})
    client.post(ADMIN_LOGIN, {"username": boss.email, "password": PASSWORD})
    assert not opens_the_admin(client)
    # Where the admin's sign-in leads (allauth), the rate limit holds the right password back.
    login = f"{reverse('account_login')}?next=/admin/"
    for attempt in range(30):
        client.post(login, {"login": boss.email, "password": f"wrong-{attempt}"})
    response = client.post(login, {"login": boss.email, "password": PASSWORD})
    assert response.status_code == 429  # Too Many Requests
    assert not opens_the_admin(client)


def test_the_right_password_through_allauth_opens_the_admin(client, boss):
    response = client.post(
        f"{reverse('account_login')}?next=/admin/", {"login": boss.email, "password": PASSWORD}
    )
    assert response["Location"] == "/admin/"
    assert opens_the_admin(client)


def test_twenty_five_reset_requests_do_not_send_twenty_five_emails(client, boss):
    for _ in range(25):
        response = client.post("/admin/password_reset/", {"email": boss.email})
        assert response.status_code == 404  # Wagtail's own reset is off
    assert len(mail.outbox) == 0
    for _ in range(25):
        client.post(reverse("account_reset_password"), {"email": boss.email})
    assert 1 <= len(mail.outbox) <= 5  # allauth: 5 a minute per address


def test_staff_without_an_authenticator_are_sent_to_enrol_before_any_admin_page(
    client, boss, settings
):
    settings.STAFF_REQUIRE_MFA = True
    login = f"{reverse('account_login')}?next=/admin/pages/"
    response = client.post(login, {"login": boss.email, "password": PASSWORD})
    assert response["Location"] == "/admin/pages/"
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a second factor is added, then shows the
    # enrolment page with the secret to type into the app.
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    page = client.post(page.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert page.request["PATH_INFO"] == reverse("mfa_activate_totp")
    assert b"secret" in page.content.lower()
    TOTP.activate(boss, generate_totp_secret())
    assert opens_the_admin(client)


def test_without_the_requirement_or_for_sponsors_nothing_is_asked(client, boss, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(boss)
    assert opens_the_admin(client)
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(make_user("sponsor@example.org"))
    assert client.get(reverse("sponsors:onboarding")).status_code == 200


def test_a_staff_session_ends_after_the_idle_hours_but_a_sponsors_does_not(client, boss, settings):
    settings.STAFF_SESSION_HOURS = 8
    with time_machine.travel("2026-06-01 09:00Z", tick=False) as clock:
        client.force_login(boss)
        assert opens_the_admin(client)
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert opens_the_admin(client)  # activity resets the clock
        clock.shift(datetime.timedelta(hours=8, minutes=1))
        response = client.get(reverse("wagtailadmin_home"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not opens_the_admin(client)

        sponsor_client = client.__class__()
        sponsor_client.force_login(make_user("sponsor@example.org"))
        assert sponsor_client.get(reverse("sponsors:onboarding")).status_code == 200
        clock.shift(datetime.timedelta(hours=9))
        assert sponsor_client.get(reverse("sponsors:onboarding")).status_code == 200


def test_staff_mfa_is_required_by_default_when_debug_is_off():
    code = "from django.conf import settings; print(settings.STAFF_REQUIRE_MFA)"
    environment = {k: v for k, v in os.environ.items() if k != "STAFF_REQUIRE_MFA"}
    answers = {}
    for debug in ("false", "true"):
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env={**environment, "DEBUG": debug, "DJANGO_SETTINGS_MODULE": "marketplace.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        answers[debug] = result.stdout.strip().splitlines()[-1]
    assert answers == {"false": "True", "true": "False"}
