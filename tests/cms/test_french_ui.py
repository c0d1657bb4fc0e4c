"""Every page a sponsor or visitor reads comes out in French when French is chosen: no English
interface phrase is left in its visible text (content — event and package titles, names,
references — is the organisers' and stays as they wrote it)."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from events.choices import PackageCategory
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)

pytestmark = pytest.mark.django_db


class VisibleText(HTMLParser):
    """The text a reader sees (and the labels a screen reader says), without scripts and styles."""

    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)
            if name == "value" and dict(attrs).get("type") in ("submit", "button"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


@pytest.fixture
def pages():
    _, index = site_tree()
    event = make_event(index, title="Global Symposium for Regulators", slug="gsr-26")
    make_terms(event)
    gold = make_package(event, title="Gold partner", slug="gold", capacity=3)
    make_package(
        event, title="Fellowships", slug="fellowships", capacity=20, max_per_sponsor=10,
        category=PackageCategory.FELLOWSHIP, price=4000,
    )  # fmt: skip
    user, organisation = make_sponsor(email="amina@savanna.example")
    pledge = pledge_for((user, organisation), gold)
    public = {
        "home": "/",
        "events": "/events/",
        "event": event.url,
        "package": gold.url,
        "search": "/search/?q=gold",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
        "accessibility": "/accessibility/",
    }
    portal = {
        "account": "/account/",
        "pledges": "/account/pledges/",
        "pledge": f"/account/pledges/{pledge.public_id}/",
        "benefits": "/account/benefits/",
        "privacy": "/account/privacy/",
        "tokens": "/account/security/tokens/",
    }
    return user, public, portal


def french_pages(user, public, portal):
    client = Client()
    client.cookies["django_language"] = "fr"
    for name, path in public.items():
        yield name, client.get(path, follow=True)
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    for name, path in portal.items():
        yield name, client.get(path, follow=True)


# Interface phrases seen in English on French pages before the catalogues (and that a new
# unmarked string would bring back): none may appear in a French page's visible text. Words
# French spells the same ("Total", "Documents") and the test pages' own titles ("Events", the
# index page's title) are left out.
ENGLISH_PHRASES = [
    "Sign in",
    "Sign up",
    "Sign out",
    "Search",
    "Pledge",
    "Your pledges",
    "Next step",
    "Nothing to do",
    "Still due",
    "Pay by card",
    "Bank transfer",
    "Benefits",
    "Quantity",
    "Status",
    "Reference",
    "Deadline",
    "Payments",
    "History",
    "Cancel this pledge",
    "Held until",
    "remaining",
    "Available",
    "Supply the",
    "Pledged.",
    "Skip to main content",
    "Your personal data",
    "Accessibility statement",
    "Language",
    "No documents yet",
    "per unit",
    "Price",
    "Email",
    "Password",
    "Forgot your password",
]


def english_left(texts: list[str]) -> set[str]:
    """The ENGLISH_PHRASES found in `texts` as whole words (Total in "Total" but not in
    "Totalité")."""
    import re

    joined = " | ".join(texts)
    return {
        phrase
        for phrase in ENGLISH_PHRASES
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", joined)
    }


def test_pages_read_in_french_have_no_english_interface_phrase(pages):
    user, public, portal = pages
    left = {}
    for name, response in french_pages(user, public, portal):
        assert response.status_code == 200, name
        assert 'lang="fr"' in response.content.decode()[:400], name
        found = english_left(visible_text(response.content.decode()))
        if found:
            left[name] = sorted(found)
    assert left == {}


def test_the_check_would_catch_an_english_phrase():
    assert english_left(["Étape suivante", "Next step"]) == {"Next step"}
    assert english_left(["Totalité", "Référence"]) == set()
