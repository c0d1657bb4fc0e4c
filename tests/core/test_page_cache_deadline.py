"""The page cache never serves a copy past its deadline: the start of the request that rendered
it plus AVAILABILITY_CACHE_SECONDS, whatever layer (shared or per-process) it comes from."""

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from marketplace.core import page_cache
from marketplace.core.page_cache import AnonymousPageCacheMiddleware, clear_local

START = 1_900_000_000.0  # any fixed moment
PATH = "/events/gsr-26/"


@pytest.fixture(autouse=True)
def _five_seconds(settings):
    settings.AVAILABILITY_CACHE_SECONDS = 5
    clear_local()
    yield
    clear_local()


class Site:
    """A view that counts its renders and may take time (by moving the travelled clock)."""

    def __init__(self, traveller=None, render_seconds=0.0):
        self.renders = 0
        self.traveller = traveller
        self.render_seconds = render_seconds

    def __call__(self, request):
        self.renders += 1
        if self.render_seconds:
            self.traveller.shift(self.render_seconds)
        return HttpResponse(f"render {self.renders}")


def get(middleware, path=PATH, **cookies):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.COOKIES.update(cookies)
    return middleware(request)


def max_age(response) -> int:
    return int(response["Cache-Control"].split("max-age=")[1].split(",")[0])


def test_age_counts_from_the_start_of_the_render_not_from_storing():
    with time_machine.travel(START, tick=False) as traveller:
        site = Site(traveller, render_seconds=2)
        middleware = AnonymousPageCacheMiddleware(site)
        first = get(middleware)  # rendered from START to START + 2
        assert first["X-Page-Cache"] == "miss"
        assert max_age(first) == 3  # a browser may keep it 3 s more, not 5
        traveller.move_to(START + 3.5)
        second = get(middleware)
        assert (second["X-Page-Cache"], second.content) == ("hit", b"render 1")
        assert max_age(second) == 1
        traveller.move_to(START + 5)
        third = get(middleware)
    assert third["X-Page-Cache"] == "miss"
    assert third.content == b"render 2"


def test_one_request_renders_the_next_copy_shortly_before_the_deadline():
    with time_machine.travel(START, tick=False) as traveller:
        site = Site()
        middleware = AnonymousPageCacheMiddleware(site)
        get(middleware)
        traveller.move_to(START + 3.9)
        assert get(middleware)["X-Page-Cache"] == "hit"  # not yet near the deadline
        traveller.move_to(START + 4.2)
        refreshed = get(middleware)
        assert (refreshed["X-Page-Cache"], refreshed.content) == ("miss", b"render 2")
        traveller.move_to(START + 8)  # the new copy lives until START + 4.2 + 5
        later = get(middleware)
    assert (later["X-Page-Cache"], later.content) == ("hit", b"render 2")
    assert site.renders == 2


def test_while_another_worker_refreshes_the_current_copy_is_served():
    with time_machine.travel(START, tick=False) as traveller:
        site = Site()
        middleware = AnonymousPageCacheMiddleware(site)
        get(middleware)
        key = middleware._key(RequestFactory().get(PATH))
        traveller.move_to(START + 4.5)
        assert cache.add(f"{key}:refreshing", 1, 2)  # another worker is rendering
        response = get(middleware)
    assert (response["X-Page-Cache"], response.content) == ("hit", b"render 1")
    assert site.renders == 1


def test_the_per_process_copy_never_outlives_its_deadline():
    with time_machine.travel(START, tick=False) as traveller:
        site = Site()
        middleware = AnonymousPageCacheMiddleware(site)
        middleware.use_local = True  # as with Redis
        get(middleware)
        cache.clear()  # the shared copy is gone; this process still has its own
        cache.add(f"{middleware._key(RequestFactory().get(PATH))}:refreshing", 1, 10)
        traveller.move_to(START + 4.9)
        assert get(middleware).content == b"render 1"
        traveller.move_to(START + 5)
        response = get(middleware)
    assert (response["X-Page-Cache"], response.content) == ("miss", b"render 2")


def test_near_the_deadline_a_worker_takes_the_copy_another_worker_stored():
    with time_machine.travel(START, tick=False) as traveller:
        site = Site()
        middleware = AnonymousPageCacheMiddleware(site)
        middleware.use_local = True
        get(middleware)  # render 1, here and in the shared cache
        key = middleware._key(RequestFactory().get(PATH))
        newer = (START + 8, 200, [("Content-Type", "text/html")], b"from another worker")
        cache.set(key, newer, 10)
        traveller.move_to(START + 4.5)
        response = get(middleware)
    assert response.content == b"from another worker"
    assert page_cache._local[key] == newer
    assert site.renders == 1


def test_pending_messages_and_pages_that_set_cookies_are_not_cached():
    def sets_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    with time_machine.travel(START, tick=False):
        site = Site()
        middleware = AnonymousPageCacheMiddleware(site)
        assert "X-Page-Cache" not in get(middleware, messages="pending")
        assert "X-Page-Cache" not in get(middleware, messages="pending")
        assert site.renders == 2
        cookie_page = AnonymousPageCacheMiddleware(sets_cookie)
        assert "X-Page-Cache" not in get(cookie_page)
        second = get(cookie_page)
    assert "X-Page-Cache" not in second
    assert second.cookies["seen"].value == "1"  # rendered again, not replayed
