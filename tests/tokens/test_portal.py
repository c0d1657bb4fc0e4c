"""The owner's token list under the sign-in settings: what it shows, and revoking with a
confirmation."""

import pytest
from django.urls import reverse

from sponsors.tokens.models import ApiToken, digest_of
from tests.factories import make_sponsor, make_token

pytestmark = pytest.mark.django_db

LIST = "/account/security/tokens/"


def test_the_list_shows_prefix_dates_and_never_the_token(client, sponsor):
    user, _org = sponsor
    key = make_token(user)
    client.force_login(user)
    page = client.get(LIST).content.decode()
    token = ApiToken.objects.get(user=user)
    assert f"{token.prefix}…" in page
    assert key not in page
    assert "Never" in page  # not used yet
    assert reverse("api_tokens:revoke", args=[token.pk]) in page
    # Linked from the portal menu.
    assert f'href="{LIST}"' in client.get(reverse("sponsors:dashboard")).content.decode()


def test_the_list_says_when_there_are_none(client, sponsor):
    client.force_login(sponsor[0])
    assert "You have no API tokens." in client.get(LIST).content.decode()


def test_sign_in_is_required(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_revoking_asks_first_then_revokes_with_a_message(client, sponsor):
    user, _org = sponsor
    make_token(user)
    keep = make_token(user)
    token = ApiToken.objects.filter(user=user).order_by("pk").first()
    client.force_login(user)
    url = reverse("api_tokens:revoke", args=[token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert f"Revoke the token starting {token.prefix}?" in confirm.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()  # a GET changes nothing
    response = client.post(url, follow=True)
    assert f"The token starting {token.prefix} is revoked." in response.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert ApiToken.objects.filter(user=user).count() == 1
    assert ApiToken.objects.get(user=user).digest == digest_of(keep)  # the other one is kept


def test_someone_else_s_token_is_a_404(client, sponsor):
    other, _org = make_sponsor()
    make_token(other)
    theirs = ApiToken.objects.get(user=other)
    client.force_login(sponsor[0])
    assert client.get(reverse("api_tokens:revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("api_tokens:revoke", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_revoke_all_asks_then_revokes_only_mine(client, sponsor):
    user, _org = sponsor
    other, _other_org = make_sponsor()
    make_token(user), make_token(user), make_token(other)
    client.force_login(user)
    confirm = client.get(reverse("api_tokens:revoke_all"))
    assert "Your 2 tokens will stop working at once." in confirm.content.decode()
    response = client.post(reverse("api_tokens:revoke_all"), follow=True)
    assert "All your API tokens are revoked." in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == 0
    assert ApiToken.objects.filter(user=other).count() == 1


def test_last_used_is_recorded(client, sponsor):
    from rest_framework.test import APIClient

    user, _org = sponsor
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    api.get("/api/v1/pledges/")
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_the_account_pages_link_to_the_tokens(client, sponsor):
    client.force_login(sponsor[0])
    for name in ["account_email", "account_change_password"]:
        assert f'href="{LIST}"' in client.get(reverse(name)).content.decode(), name
