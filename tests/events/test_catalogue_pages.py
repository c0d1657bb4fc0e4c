"""Catalogue pages people can choose from: search results with event, price, availability and a
snippet, tolerant of hyphens and near spellings; the events list with price ranges and packages
left; "In kind" for a zero price; "Exclusive" as a property; absolute dates; the refund policy;
API URLs from SITE_URL; the favicon and a friendly 404."""

import datetime
import re
from decimal import Decimal

import pytest

from events.choices import BenefitKind, PackageCategory
from events.models import EventPage, SponsorshipPackagePage
from events.search import _near_python, normalise, search_catalogue
from tests.factories import make_event, make_package, make_terms, pledge_for


@pytest.fixture
def catalogue(tree):
    gsr = make_event(tree[1], title="Global Symposium for Regulators", acronym="GSR-26")
    forum = make_event(
        tree[1], title="Regional forum for Africa", acronym="RF-26", slug="forum", region="AFR"
    )
    make_package(
        gsr, title="Gold partner", slug="gold", price="75000.00", capacity=3,
        summary="Your logo on every screen of the symposium.",
    )  # fmt: skip
    make_package(
        forum, title="Gold partner", slug="gold", price="20000.00", capacity=2,
        summary="The forum's main partner.",
    )  # fmt: skip
    make_package(
        gsr, title="Conference Wi-Fi", slug="wifi", price="30000.00", capacity=1,
        category=PackageCategory.VISIBILITY, summary="The network's name is yours.",
    )  # fmt: skip
    make_package(
        gsr, title="Interpretation equipment", slug="equipment", price="0", capacity=1,
        category=PackageCategory.IN_KIND, summary="Provide the booths and headsets.",
    )  # fmt: skip
    return gsr, forum


def test_wifi_finds_conference_wi_fi_and_shows_event_price_and_availability(client, catalogue):
    html = client.get("/search/?q=wifi").content.decode()
    assert "Conference Wi-Fi" in html
    card = html[html.index("Conference Wi-Fi") :]
    card = card[: card.index("</li>")]
    assert "Global Symposium for Regulators" in card
    assert "CHF\xa030,000" in card
    assert "Available" in card and "Exclusive" in card
    assert "The network&#x27;s name is yours." in card or "The network's name is yours." in card


def test_gold_shows_each_gold_package_with_its_own_event_and_price(client, catalogue):
    html = client.get("/search/?q=gold&type=package").content.decode()
    cards = re.findall(r"<li class=\"card\" data-result.*?</li>", html, re.S)
    assert len(cards) == 2
    by_event = {("Global Symposium" in c): c for c in cards}
    assert "CHF\xa075,000" in by_event[True] and "3 of 3 left" in by_event[True]
    assert "Regional forum for Africa" in by_event[False] and "CHF\xa020,000" in by_event[False]


def test_near_spellings_and_hyphens_match(catalogue):
    titles = [page.title for page in search_catalogue("wi-fi")]
    assert "Conference Wi-Fi" in titles
    assert "Conference Wi-Fi" in [p.title for p in search_catalogue("conferance wifi")]
    assert search_catalogue("zzzqqq") == []


def test_the_sqlite_fallback_matches_the_same_way(catalogue):
    """The Python comparison used without PostgreSQL's pg_trgm, run on any database."""
    titles = [p.title for p in _near_python(["wifi"], [SponsorshipPackagePage])]
    assert titles == ["Conference Wi-Fi"]
    assert [p.title for p in _near_python(["symposim"], [EventPage])] == [
        "Global Symposium for Regulators"
    ]
    assert normalise("Wi‑Fi") == normalise("Wi-Fi") == "wifi"


def test_the_events_list_shows_each_events_price_range_and_packages_left(
    client, catalogue, other_sponsor
):
    gsr, forum = catalogue
    make_terms(gsr)
    wifi = SponsorshipPackagePage.objects.get(slug="wifi")
    pledge_for(other_sponsor, wifi)
    html = client.get("/events/").content.decode()
    gsr_card = html[html.index("Global Symposium for Regulators") :]
    gsr_card = gsr_card[: gsr_card.index("</li>")]
    assert "CHF\xa00 to CHF\xa075,000" in gsr_card
    assert "2 of 3 packages left" in gsr_card
    forum_card = html[html.index("Regional forum for Africa") :]
    assert "CHF\xa020,000" in forum_card[: forum_card.index("</li>")]


def test_a_zero_price_reads_in_kind_and_exclusive_is_a_property(client, catalogue):
    gsr, _forum = catalogue
    html = client.get(gsr.url).content.decode()
    card = html[html.index("Interpretation equipment") :]
    card = card[: card.index("</li>")]
    assert "In kind" in card and "CHF\xa00" not in card
    assert 'data-availability>Available</span> <span class="badge badge-property">Exclusive' in card
    page = client.get(SponsorshipPackagePage.objects.get(slug="equipment").url).content.decode()
    assert "In kind" in page and "One sponsor only" in page


def test_benefit_dates_are_absolute_with_the_days_as_a_hint(client, tree):
    event = make_event(tree[1])
    package = make_package(event, benefits=[(BenefitKind.LOGO_WEBSITE, 1, 45)])
    html = client.get(package.url).content.decode()
    due = event.start_date - datetime.timedelta(days=45)
    assert f'<time datetime="{due.isoformat()}">' in html
    assert "45 days before the event" in html


def test_each_event_has_a_refund_policy_the_pledge_terms_link_to(client, event, package, sponsor):
    html = client.get(event.url).content.decode()
    assert 'id="refund-policy"' in html and "refunded in full" in html
    other = make_event(event.get_parent(), title="Forum", slug="forum", acronym="F-26")
    other.refund_policy = "Refunds only until 1 March."
    other.save_revision().publish()
    assert "Refunds only until 1 March." in client.get(other.url).content.decode()
    client.force_login(sponsor[0])
    form = client.get(f"/account/pledges/new/{package.pk}/").content.decode()
    assert f'href="{event.url}#refund-policy"' in form


def test_api_urls_are_built_from_site_url(client, catalogue, settings):
    settings.SITE_URL = "https://sponsors.example.org"
    data = client.get("/api/v1/events/").json()
    urls = [event["url"] for event in data["results"]]
    assert all(url.startswith("https://sponsors.example.org/events/") for url in urls)
    assert "https://sponsors.example.org/events/global-symposium-for-regulators/" in urls


def test_the_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO


def test_a_missing_page_is_a_friendly_404(client, tree):
    response = client.get("/events/no-such-event/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html and 'action="/search/"' in html


def test_the_500_page_renders_without_a_request(db):
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html


def test_an_event_whose_packages_share_a_price_shows_it_once(client, tree):
    event = make_event(tree[1], title="Study Group", acronym="SG-26", slug="sg")
    make_package(event, title="Coffee", slug="coffee", price=Decimal("3000.00"))
    make_package(event, title="Tea", slug="tea", price=Decimal("3000.00"))
    html = client.get("/events/").content.decode()
    card = html[html.index("Study Group") :]
    card = card[: card.index("</li>")]
    assert "CHF\xa03,000" in card and " to " not in card
