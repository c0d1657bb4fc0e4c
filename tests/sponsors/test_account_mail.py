"""allauth's mail names the product, in the reader's language, with its public address — never
the host the request came in on — and comes in the site's HTML frame as well as in text."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "greeting", "name"),
    [
        ("en", "Hello from Sponsorship opportunities!", "Sponsorship opportunities"),
        ("fr", "Bonjour, c'est Possibilités de parrainage", "Possibilités de parrainage"),
    ],
)
def test_the_sign_up_mail_names_the_site_in_the_readers_language(
    client, settings, language, greeting, name
):
    settings.SITE_URL = "https://sponsorship.example.org"
    client.cookies["django_language"] = language
    client.post(
        reverse("account_signup"),
        {"email": "new.sponsor@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    [message] = mail.outbox
    assert greeting in message.body
    assert "sponsorship.example.org" in message.body
    assert "testserver" not in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert f'lang="{language}"' in html and name in html
    assert 'href="https://sponsorship.example.org"' in html
