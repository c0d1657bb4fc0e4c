"""API v1: each app contributes its own routes; the schema and docs cover them all."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


def not_found(request):
    """Any other path under /api/v1/ ending in a slash (a slug or id of the wrong shape
    included): JSON, as every API answer is, never the site's HTML error page. A path without
    the slash still gets APPEND_SLASH's redirect to the route it meant."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("", include("events.urls_api")),
    path("", include("register.urls_api")),
    path("", include("marketplace.pledges.urls_api")),
    path("", include("marketplace.finance.urls_api")),
    path("", include("marketplace.payments.urls_api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from ?script, so the page needs no inline script
    # under the Content-Security-Policy; its one inline style carries the nonce.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="core/swagger_ui.html"
        ),
        name="api-docs",
    ),
    # Last: everything the routes above did not match.
    re_path(r"^(?:.*/)?$", not_found),
]
