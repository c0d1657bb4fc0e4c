"""Signed-in sponsors get the event page's catalogue part from the cache, never a stale one: a
pledge, a published package revision or another language gives a new version; what is their
own (menu, their organisation's pledges) is rendered for each of them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_package, make_sponsor, pledge_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, sponsor, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0  # the anonymous page cache is not what is tested
    client.force_login(sponsor[0])
    return client


def availability_of(html: str, package) -> str:
    match = re.search(rf'data-package="{package.pk}".*?data-availability>([^<]*)<', html, re.DOTALL)
    return match.group(1).strip()


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    package_reads = [q for q in queries if "events_packagebenefit" in q["sql"]]
    return response.content.decode(), package_reads


def test_the_second_visit_reuses_the_catalogue_and_reads_no_package(signed_in, event, package):
    first, reads_first = get(signed_in, event.url)
    second, reads_second = get(signed_in, event.url)
    assert reads_first and not reads_second  # the benefits were read once, for the first render
    assert availability_of(second, package) == "3 of 3 left"
    assert "Fellowships" in second and "My account" in second


def test_a_pledge_shows_at_once_in_the_cached_catalogue(signed_in, event, package, other_sponsor):
    assert availability_of(get(signed_in, event.url)[0], package) == "3 of 3 left"
    pledge_for(other_sponsor, package, quantity=2)
    assert availability_of(get(signed_in, event.url)[0], package) == "1 of 3 left"


def test_a_published_package_revision_shows_at_once(signed_in, event, package):
    get(signed_in, event.url)
    package.title = "Fellowships for delegates"
    package.save_revision().publish()
    html, _reads = get(signed_in, event.url)
    assert "Fellowships for delegates" in html
    newcomer = make_package(event, title="Coffee break", slug="coffee", capacity=1)
    html, _reads = get(signed_in, event.url)
    # An exclusive package's status is its availability; "Exclusive" is a property beside it.
    assert availability_of(html, newcomer) == "Available"


def test_each_language_has_its_own_catalogue(signed_in, event, package):
    english, _reads = get(signed_in, event.url)
    signed_in.cookies["django_language"] = "fr"
    french, _reads = get(signed_in, event.url)
    assert "Sponsorship packages" in english and "Sponsorship packages" not in french
    assert availability_of(english, package) == "3 of 3 left"
    assert availability_of(french, package) == "3 restant(s) sur 3"


def test_each_sponsor_sees_only_their_own_pledges_around_the_shared_catalogue(
    client, event, package, sponsor, other_sponsor, settings
):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    mine = pledge_for(sponsor, package)
    theirs = pledge_for(other_sponsor, package)
    client.force_login(sponsor[0])
    html, _reads = get(client, event.url)
    assert f'data-own-pledge="{mine.reference}"' in html
    assert theirs.reference not in html
    client.force_login(other_sponsor[0])
    html, reads = get(client, event.url)
    assert not reads  # the catalogue came from the cache...
    assert f'data-own-pledge="{theirs.reference}"' in html  # ...their pledges did not
    assert mine.reference not in html
    newcomer = make_sponsor(name="Newcomer")[0]
    client.force_login(newcomer)
    html, _reads = get(client, event.url)
    assert "Your organisation has not pledged for this event yet." in html


def test_anonymous_visitors_see_no_pledges_section(client, event, package, sponsor, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    pledge_for(sponsor, package)
    html, _reads = get(client, event.url)
    assert "own-pledges" not in html and "Sign in" in html
