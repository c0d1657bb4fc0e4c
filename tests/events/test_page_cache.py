"""Anonymous catalogue pages are served from a cache for at most AVAILABILITY_CACHE_SECONDS."""

import datetime

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.factories import make_event, make_package


def test_anonymous_event_page_is_cached_then_refreshed(client, tree, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 5
    event = make_event(tree[1])
    package = make_package(event, capacity=4)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = client.get(event.url)
        assert first["X-Page-Cache"] == "miss"
        assert "max-age=5" in first["Cache-Control"]
        package.capacity = 2
        package.save_revision().publish()
        second = client.get(event.url)
        assert second["X-Page-Cache"] == "hit"
    with time_machine.travel(start + datetime.timedelta(seconds=6), tick=False):
        third = client.get(event.url)
    assert third["X-Page-Cache"] == "miss"
    assert "2 of 2 left" in third.content.decode()


def test_signed_in_visitors_and_post_are_never_cached(client, tree, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 5
    event = make_event(tree[1])
    user = get_user_model().objects.create_user("u", "u@example.org", "pw-123456789")
    client.force_login(user)
    assert "X-Page-Cache" not in client.get(event.url)
    client.logout()
    assert client.post(event.url).get("X-Page-Cache") is None
