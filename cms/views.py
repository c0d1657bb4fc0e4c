"""Site-wide views that are not pages: search, language choice, the favicon."""

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.models import Page

from events.models import EventPage, SponsorshipPackagePage
from events.offers import describe_packages
from events.search import search_catalogue

RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 200


def search(request):
    """Search over published events, packages and pages: events and packages as people type
    them (hyphens, near spellings: `events/search.py`), each package with its event, price and
    availability; other pages by full text."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("type", "")
    if kind not in ("event", "package"):
        kind = ""
    results = []
    if query:
        results = search_catalogue(query, kind)
        if not kind:
            catalogue = (EventPage, SponsorshipPackagePage)
            others = Page.objects.live().public().specific().search(query, operator="and")
            results += [page for page in others if not isinstance(page, catalogue)]
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    describe_packages(page.object_list)
    return render(
        request,
        "cms/search.html",
        {
            "query": query,
            "kind": kind,
            "results": page,
            "kinds": [("", _("Everything")), ("event", _("Events")), ("package", _("Packages"))],
        },
    )


FAVICON = Path(__file__).resolve().parent / "static" / "cms" / "favicon.ico"


def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def choose_language(request):
    """Remember the reader's language in a cookie and go back. A GET link, not a form, so
    public pages carry no CSRF token and stay cacheable."""
    language = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
