"""A sponsor downloads their personal data and asks to be erased; Support carries the request
out in the admin, and the person can no longer sign in."""

import json
import re

import pytest
from django.contrib.auth import get_user_model

from marketplace.core.roles import ensure_roles
from marketplace.privacy.models import ErasureRequest
from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import PASSWORD, make_sponsor, make_user


def sign_in(page, base_url, email, password):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign in", re.IGNORECASE)).click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sponsor_downloads_their_data_and_support_erases_them(live_server, settings, tmp_path):
    user, organisation = make_sponsor("ada@acme.example", name="Acme")
    ensure_roles()
    support = make_user("support@bureau.example", password=PASSWORD)
    support.groups.add(*support.groups.model.objects.filter(name="Support"))

    with chromium_page() as page:
        sign_in(page, live_server.url, "ada@acme.example", PASSWORD)
        page.goto(live_server.url + "/account/privacy/")
        assert page.get_by_role("heading", name="Your personal data").is_visible()
        assert page.get_by_text("What is kept:").is_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="Download my data (JSON)").click()
        data = json.loads(open(download.value.path(), encoding="utf-8").read())
        assert "ada@acme.example" in json.dumps(data)
        assert "Acme" in json.dumps(data)

        page.get_by_role("button", name="Request erasure").click()
        assert page.get_by_text("Tick the box to confirm").is_visible()
        assert not ErasureRequest.objects.exists()
        page.get_by_label("Reason (optional)").fill("I left the company.")
        page.get_by_label(re.compile("my account will be closed")).check()
        screenshot(page, "privacy-01-request")
        page.get_by_role("button", name="Request erasure").click()
        page.wait_for_load_state()
        assert page.get_by_text("You asked to be erased on").is_visible()
        screenshot(page, "privacy-02-requested")
        request = ErasureRequest.objects.get()
        page.context.clear_cookies()

        sign_in(page, live_server.url, "support@bureau.example", PASSWORD)
        page.goto(f"{live_server.url}/admin/erasure-requests/execute/{request.pk}/")
        screenshot(page, "privacy-03-execute")
        page.get_by_role("button", name="Anonymise this person").click()
        page.wait_for_load_state()
        screenshot(page, "privacy-04-executed")
        page.context.clear_cookies()

        sign_in(page, live_server.url, "ada@acme.example", PASSWORD)
        assert "/accounts/login/" in page.url

    user = get_user_model().objects.get(pk=user.pk)
    assert user.email == f"erased-{user.pk}@invalid"
    assert not user.is_active and not user.has_usable_password()
    assert not organisation.memberships.filter(user=user).exists()
    request.refresh_from_db()
    assert request.executed_by == support
