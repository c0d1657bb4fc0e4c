"""Staff sign in with a second factor: a staff user sets up an authenticator app (codes from
pyotp, from the secret the page shows), signs out, signs in with email, password and a code,
and reaches the admin; a staff user without one, under STAFF_REQUIRE_MFA, is sent to set it
up before any admin page."""

import re
import time

import pyotp
import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from events.editorial import ORGANISERS
from marketplace.core.roles import ensure_roles
from tests.e2e.helpers import chromium_page, screenshot

PASSWORD = "a-long-staff-passphrase"


def make_staff(email, first_name):
    user = get_user_model().objects.create_user(
        email, email, PASSWORD, first_name=first_name, last_name="Okafor"
    )
    user.groups.add(Group.objects.get(name=ORGANISERS))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in(page, base_url, email):
    page.goto(base_url + "/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_load_state()


def fresh_code(totp: pyotp.TOTP, used: set[str]) -> str:
    """The current code, waiting for the next period if this one was used already (allauth
    refuses a code twice)."""
    code = totp.now()
    while code in used:
        time.sleep(1)
        code = totp.now()
    used.add(code)
    return code


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_enrol_totp_then_sign_in_with_a_code(live_server, settings):
    settings.STAFF_REQUIRE_MFA = True
    ensure_roles()
    make_staff("olivia@example.org", "Olivia")
    used = set()

    with chromium_page() as page:
        sign_in(page, live_server.url, "olivia@example.org")
        # No authenticator yet: the admin sends her to set one up. allauth first asks for the
        # password again (adding a factor is a sensitive change).
        assert "/accounts/2fa/totp/activate/" in page.url or "reauthenticate" in page.url
        assert page.get_by_text("Staff accounts need a second factor").is_visible()
        if "reauthenticate" in page.url:
            screenshot(page, "staff-mfa-01-confirm-password")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Confirm").click()
            page.wait_for_url("**/accounts/2fa/totp/activate/**")
        assert page.get_by_role("heading", name="Activate Authenticator App").is_visible()
        screenshot(page, "staff-mfa-02-activate")
        secret = page.locator("#authenticator_secret").input_value()
        totp = pyotp.TOTP(secret)
        wrong = "000000" if totp.now() != "000000" else "111111"
        page.get_by_label("Authenticator code").fill(wrong)
        page.get_by_role("button", name="Activate").click()
        assert page.get_by_text("Incorrect code").is_visible()
        page.get_by_label("Authenticator code").fill(fresh_code(totp, used))
        page.get_by_role("button", name="Activate").click()
        page.wait_for_url("**/accounts/2fa/recovery-codes/**")
        screenshot(page, "staff-mfa-03-recovery-codes")
        page.get_by_role("link", name="Continue to the admin").click()
        page.wait_for_url(f"{live_server.url}/admin/")

        page.goto(live_server.url + "/accounts/logout/")
        page.get_by_role("main").get_by_role("button", name="Sign Out").click()
        page.wait_for_load_state()

        sign_in(page, live_server.url, "olivia@example.org")
        page.wait_for_url("**/accounts/2fa/authenticate/")
        screenshot(page, "staff-mfa-04-code")
        page.get_by_label("Code").fill(fresh_code(totp, used))
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        assert page.get_by_role("heading", name=re.compile("Sponsorship opportunities")).count()
        screenshot(page, "staff-mfa-05-admin")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_without_mfa_are_sent_to_enrolment(live_server, settings):
    settings.STAFF_REQUIRE_MFA = True
    ensure_roles()
    make_staff("amadou@example.org", "Amadou")

    with chromium_page() as page:
        sign_in(page, live_server.url, "amadou@example.org")
        for path in ("/admin/", "/admin/pages/", "/admin/mail-log/"):
            page.goto(live_server.url + path)
            assert "/accounts/2fa/totp/activate/" in page.url or (
                "reauthenticate" in page.url and "2fa%2Ftotp%2Factivate" in page.url
            ), page.url
            assert "/admin/" not in page.url.split("?")[0]
