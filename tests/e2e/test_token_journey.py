"""A sponsor gets an API token from the API, finds it in their sign-in settings by its first
characters, and revokes it after confirming; the program holding it is refused from then on."""

import pytest
import requests

from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import PASSWORD, make_sponsor, site_tree


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sponsor_revokes_a_token_from_the_portal(live_server):
    site_tree()
    user, _organisation = make_sponsor("ada@example.com", name="Acme")
    issued = requests.post(
        live_server.url + "/api/v1/auth/token/",
        json={"email": "ada@example.com", "password": PASSWORD},
        timeout=30,
    ).json()
    headers = {"Authorization": f"Token {issued['token']}"}
    assert requests.get(live_server.url + "/api/v1/pledges/", headers=headers, timeout=30).ok

    with chromium_page() as page:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="API tokens").first.click()
        page.wait_for_url("**/account/security/tokens/")
        row = page.get_by_role("row").filter(has_text=issued["token"][:8])
        assert row.count() == 1
        assert issued["token"] not in page.content()
        screenshot(page, "tokens-01-list")
        row.get_by_role("link", name="Revoke").click()
        screenshot(page, "tokens-02-confirm")
        page.get_by_role("button", name="Revoke").click()
        page.wait_for_url("**/account/security/tokens/")
        assert page.get_by_text("is revoked.").is_visible()
        assert page.get_by_text("You have no API tokens.").is_visible()
        screenshot(page, "tokens-03-revoked")

    refused = requests.get(live_server.url + "/api/v1/pledges/", headers=headers, timeout=30)
    assert refused.status_code == 401
