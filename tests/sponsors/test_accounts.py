"""Sign-up with email verification, sign-in, sign-out, password reset and rate limiting, with
allauth's pages inside the site's layout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_organisation, make_user

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def sign_up(client, email="new.sponsor@example.com", password=PASSWORD):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def test_sign_up_sends_a_verification_link_that_signs_in_and_leads_to_onboarding(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="new.sponsor@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.sponsor@example.com"]
    path = link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path)
    assert page.status_code == 200
    confirmed = client.post("/" + path)

    assert EmailAddress.objects.get(user=user).verified
    assert confirmed["Location"] == reverse("sponsors:onboarding")
    assert client.get(reverse("sponsors:dashboard"))["Location"] == reverse("sponsors:onboarding")


def test_an_unverified_account_cannot_sign_in(client):
    make_user("pending@example.com", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "pending@example.com", "password": PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_a_sponsor_with_an_organisation_lands_in_the_portal_and_signs_out(client):
    user = make_user("member@example.com")
    make_organisation(admin=user)
    response = client.post(
        reverse("account_login"), {"login": "member@example.com", "password": PASSWORD}
    )
    assert response["Location"] == reverse("sponsors:dashboard")
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_an_explicit_next_wins_over_the_portal(client):
    make_user("member@example.com")
    response = client.post(
        reverse("account_login") + "?next=/events/",
        {"login": "member@example.com", "password": PASSWORD},
    )
    assert response["Location"] == "/events/"


def test_an_organiser_is_not_sent_to_onboarding(client, settings):
    make_user("boss@example.com", is_staff=True)
    response = client.post(
        reverse("account_login"), {"login": "boss@example.com", "password": PASSWORD}
    )
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = make_user("forgetful@example.com")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0])
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    client.post(
        action, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_failed_sign_ins_are_rate_limited(client):
    make_user("target@example.com")
    pages = [
        client.post(
            reverse("account_login"), {"login": "target@example.com", "password": "wrong"}
        ).content.decode()
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused while the limit holds.
    right = client.post(
        reverse("account_login"), {"login": "target@example.com", "password": PASSWORD}
    )
    assert "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_allauth_pages_use_the_site_layout_with_labelled_fields(client, name):
    html = client.get(reverse(name)).content.decode()
    assert 'class="skip-link"' in html
    assert "cms/css/site.css" in html
    assert 'class="stacked-form"' in html
    for field_id in re.findall(r'<input[^>]+id="(id_[a-z0-9_]+)"', html):
        assert f'for="{field_id}"' in html, field_id


def test_signup_errors_are_shown_next_to_the_field_and_nothing_is_created(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": "something-else"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errors"' in html
    assert not get_user_model().objects.filter(email="new@example.com").exists()


def test_signing_up_with_a_taken_email_reveals_nothing_and_creates_nothing(client):
    make_user("taken@example.com")
    response = sign_up(client, email="taken@example.com")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.filter(email__iexact="taken@example.com").count() == 1
    assert "already" in mail.outbox[0].subject.lower() + mail.outbox[0].body.lower()
