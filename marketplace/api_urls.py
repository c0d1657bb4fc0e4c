"""API v1: each app contributes its own routes; the schema and docs cover them all."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("events.urls_api")),
    path("", include("sponsors.register.urls_api")),
    path("", include("marketplace.pledges.urls_api")),
    path("", include("marketplace.payments.urls_api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
