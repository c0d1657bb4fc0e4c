"""Site-wide views that are not pages: search, language choice."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.models import Page

from events.models import EventPage, SponsorshipPackagePage

RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 200


def search(request):
    """Full-text search over published events, packages and pages."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("type", "")
    results = Page.objects.none()
    if query:
        pages = Page.objects.live().public().specific()
        if kind == "event":
            pages = pages.type(EventPage)
        elif kind == "package":
            pages = pages.type(SponsorshipPackagePage)
        else:
            kind = ""
        results = pages.search(query, operator="and")
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
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
