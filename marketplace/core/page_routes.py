"""Wagtail's page routing, remembered across requests.

Wagtail finds the page of a URL with a query for the site, then one per path component (the
localized root, each child and its specific row): six or seven queries on every request that
is not served by the page cache — every request of a signed-in sponsor. Wagtail keeps what it
found on the request (`request._wagtail_site`, `request._wagtail_route_for_request`), so
`PageRouteCacheMiddleware` fills those two from the shared cache before Wagtail's `serve` view
runs, and Wagtail then serves the page exactly as it would have (its `before_serve_page` hooks —
view restrictions included — and the page's own `serve`).

What is remembered is where a URL leads, never the page: the key is the host, port, the path
Wagtail's view was given (after any language prefix was resolved) and the active language; the
entry holds the site and the page's id, type and URL path. Each request loads the page itself
(one query), and the entry is used only while that page is still live at the same URL path — a
page renamed, moved, unpublished or deleted makes its entry miss, and Wagtail routes the request
again. A change of any site (hostname, port, root page, default) changes `SITES_VERSION_KEY`,
which every entry carries. Pages whose type overrides `route()` (their routing may depend on
more than the path) are never remembered.
"""

import hashlib
import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

ENTRY_SECONDS = 3600
SITES_VERSION_KEY = "page-routes:sites-version"
# Whether any page view restriction (password, groups, sign-in) exists anywhere: almost never on
# a catalogue, and then no page needs its ancestors and their restrictions read. Forgotten when
# a restriction is saved or deleted (again after its commit, so a request that read the old
# answer just before cannot store it back for long); RESTRICTIONS_SECONDS bounds the rest.
RESTRICTIONS_KEY = "page-routes:any-view-restriction"
RESTRICTIONS_SECONDS = 300


def _key(request, path: str) -> str:
    host = request._get_raw_host()
    raw = f"{host}|{request.get_port()}|{path}|{get_language()}"
    return "page-routes:" + hashlib.sha256(raw.encode()).hexdigest()


def forget_sites(**_kwargs) -> None:
    """Invalidate every remembered route: a site changed."""
    cache.set(SITES_VERSION_KEY, time.time_ns(), None)


def any_view_restrictions() -> bool:
    """Whether some page has a view restriction (see RESTRICTIONS_KEY); when not, no page is
    private and `get_view_restrictions()` / `.public()` need not query."""
    answer = cache.get(RESTRICTIONS_KEY)
    if answer is None:
        answer = PageViewRestriction.objects.exists()
        cache.set(RESTRICTIONS_KEY, answer, RESTRICTIONS_SECONDS)
    return answer


class SkipsViewRestrictionsWhenNone:
    """A page mixin: `get_view_restrictions()` (Wagtail's serve hook asks it on every request:
    two queries) answers "none" without a query while no page has a restriction."""

    def get_view_restrictions(self):
        if not any_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def forget_restrictions(**_kwargs) -> None:
    cache.delete(RESTRICTIONS_KEY)
    transaction.on_commit(lambda: cache.delete(RESTRICTIONS_KEY))


def connect_signals() -> None:
    """Called from the core app's `ready()`, so every process that can change a site or a view
    restriction (web, worker, management commands) invalidates what is remembered of it."""
    post_save.connect(forget_sites, sender=Site, dispatch_uid="page_routes_site_saved")
    post_delete.connect(forget_sites, sender=Site, dispatch_uid="page_routes_site_deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            forget_restrictions,
            sender=PageViewRestriction,
            dispatch_uid=f"page_routes_restriction_{signal is post_save}",
        )


def _routes_by_path_only(page) -> bool:
    return type(page).route is Page.route


class PageRouteCacheMiddleware:
    """Before Wagtail's `serve`: the site and page of the URL from the shared cache (see the
    module's docstring); after routing a miss, remember the route for the next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_views.serve:
            return None
        path = view_kwargs.get("path", view_args[0] if view_args else "")
        key = _key(request, path)
        found = cache.get_many([key, SITES_VERSION_KEY])
        version = found.get(SITES_VERSION_KEY, 0)
        entry = found.get(key)
        if entry is not None and self._restore(request, entry, version):
            return None
        route = Page.route_for_request(request, path)
        if route is None:
            return None
        page, args, kwargs = route
        if args or kwargs or not _routes_by_path_only(page):
            return None
        site = request._wagtail_site
        entry = (version, site, page.pk, type(page)._meta.label_lower, page.url_path)
        cache.set(key, entry, ENTRY_SECONDS)
        return None

    def _restore(self, request, entry, version) -> bool:
        try:
            entry_version, site, page_pk, model_label, url_path = entry
        except (TypeError, ValueError):
            return False
        if entry_version != version or not isinstance(site, Site):
            return False
        try:
            model = apps.get_model(model_label)
        except (LookupError, ValueError):
            return False
        page = model.objects.filter(pk=page_pk).first()
        if page is None or not page.live or page.url_path != url_path:
            return False
        if not _routes_by_path_only(page):
            return False
        request._wagtail_site = site
        request._wagtail_route_for_request = RouteResult(page)
        return True
