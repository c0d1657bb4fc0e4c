"""API v1: each app contributes its own routes; the schema and docs cover them all."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("events.urls_api")),
    path("", include("register.urls_api")),
    path("", include("marketplace.pledges.urls_api")),
    path("", include("marketplace.payments.urls_api")),
    path("", include("marketplace.finance.urls_api")),
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
]
