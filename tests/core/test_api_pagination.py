"""No API list serves more than 200 rows a page, whatever `?limit=` asks: checked on every list
endpoint under /api/v1/, found by walking the URL patterns."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver
from rest_framework.test import APIClient

from marketplace import api_urls
from register.access import PARTNERSHIP_OFFICERS, ensure_partnership_groups
from tests.factories import make_sponsor, make_token
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db

HUGE = "100000000"


def plain_routes(patterns, prefix="/api/v1/"):
    """Every route without path parameters (lists take none)."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if "<" in route:
            continue
        if isinstance(pattern, URLResolver):
            yield from plain_routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


@pytest.fixture
def reader(tree):
    """An account that may read every list: a sponsor who is also a partnership officer."""
    user, _organisation = make_sponsor()
    user.groups.add(ensure_partnership_groups()[PARTNERSHIP_OFFICERS])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return client


def test_every_list_endpoint_caps_limit_at_200(reader):
    lists = []
    for url in plain_routes(api_urls.urlpatterns):
        response = reader.get(url, {"limit": HUGE, "offset": "1", "format": "json"})
        data = (
            response.json()
            if response.get("Content-Type", "").startswith("application/json")
            else None
        )
        if not (isinstance(data, dict) and "results" in data and "count" in data):
            continue  # not a list (the schema, the docs, a statistics answer)
        lists.append(url)
        # The link back to the first page carries the limit actually served.
        served = parse_qs(urlsplit(data["previous"]).query)["limit"]
        assert served == ["200"], url
    assert {"/api/v1/events/", "/api/v1/partnerships/agreements/", "/api/v1/pledges/"} <= set(lists)


def test_a_huge_limit_on_the_register_returns_200_rows(reader):
    run_import([row(reference=f"AGR-{n}", title=f"Agreement {n}") for n in range(205)])
    data = reader.get("/api/v1/partnerships/agreements/", {"limit": HUGE}).json()
    assert data["count"] == 205
    assert len(data["results"]) == 200
    assert "limit=200" in data["next"] and "offset=200" in data["next"]
