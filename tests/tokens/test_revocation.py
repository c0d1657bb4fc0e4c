"""All of a person's tokens die when their password changes, by whichever path, and when they
leave (or are removed from) an organisation; nothing else kills them."""

import pytest
from allauth.account.signals import password_reset
from django.contrib.auth import get_user_model
from django.urls import reverse

from sponsors.models import Membership
from sponsors.tokens.models import ApiToken
from tests.factories import PASSWORD, make_sponsor, make_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "An0ther-long-passphrase"


def tokens_of(user) -> int:
    return ApiToken.objects.filter(user=user).count()


def test_changing_the_password_in_the_account_pages_revokes_every_token(client, sponsor):
    user, _org = sponsor
    make_token(user), make_token(user)
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "An0ther-long-pass",
            "password2": "An0ther-long-pass",
        },
    )
    assert response.status_code == 302, response.content
    assert tokens_of(user) == 0


def test_a_password_reset_revokes_every_token(sponsor):
    user, _org = sponsor
    make_token(user)
    password_reset.send(sender=type(user), request=None, user=user)
    assert tokens_of(user) == 0


def test_set_password_and_save_anywhere_revokes_them(sponsor):
    # The admin, a shell or a management command: all end in set_password + save.
    user, _org = sponsor
    make_token(user)
    fetched = get_user_model().objects.get(pk=user.pk)
    fetched.set_password("changed-by-an-admin")
    fetched.save()
    assert tokens_of(user) == 0


def test_signing_in_or_editing_the_profile_keeps_them(client, sponsor):
    user, _org = sponsor
    make_token(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    user.refresh_from_db()
    assert user.last_login is not None
    user.first_name = "Ada"
    user.save()
    assert tokens_of(user) == 1


def test_removing_a_member_revokes_their_tokens(client, sponsor):
    admin, organisation = sponsor
    member, _same = make_sponsor(organisation=organisation)
    Membership.objects.filter(user=member).update(role="member")
    make_token(member)
    make_token(admin)
    client.force_login(admin)
    membership = Membership.objects.get(user=member, organisation=organisation)
    response = client.post(reverse("sponsors:remove_member", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert tokens_of(member) == 0
    assert tokens_of(admin) == 1


def test_leaving_an_organisation_revokes_ones_own_tokens(client, sponsor):
    admin, organisation = sponsor
    member, _same = make_sponsor(organisation=organisation)
    make_token(member)
    client.force_login(member)
    membership = Membership.objects.get(user=member, organisation=organisation)
    client.post(reverse("sponsors:remove_member", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert tokens_of(member) == 0


def test_deleting_the_account_deletes_its_tokens(sponsor):
    user, _org = sponsor
    make_token(user)
    user.delete()
    assert ApiToken.objects.count() == 0


def test_an_inactive_account_s_token_is_refused(sponsor):
    from rest_framework.test import APIClient

    user, _org = sponsor
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    assert client.get("/api/v1/pledges/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/v1/pledges/").status_code == 401
