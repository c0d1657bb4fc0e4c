import re

from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from cms.accessibility import accessibility_statement
from marketplace.core import media, staff_security
from marketplace.core.health import healthz
from marketplace.finance import urls as finance_urls
from marketplace.payments import urls as payments_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", cms_views.favicon, name="favicon"),
    # Wagtail's sign-in page takes no password: staff sign in through allauth (rate limits, MFA).
    path("admin/login/", staff_security.admin_login),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    # The card payment pages and finance's invoice and document pages, under one `payments:`
    # namespace so their URL names stay as they were.
    path("", include((payments_urls.urlpatterns + finance_urls.urlpatterns, "payments"))),
    path("account/pledges/", include("marketplace.pledges.urls")),
    path("account/agreements/", include("marketplace.agreements.urls")),
    path("account/benefits/", include("marketplace.fulfilment.urls")),
    path("account/security/tokens/", include("sponsors.tokens.urls")),
    path("account/privacy/", include("marketplace.privacy.urls")),
    path("account/", include("sponsors.urls")),
    path("api/v1/", include("marketplace.api_urls")),
    path("partnerships/", include("register.urls")),
    path("search/", cms_views.search, name="search"),
    path("language/", cms_views.choose_language, name="choose_language"),
    path("accessibility/", accessibility_statement, name="accessibility"),
]

# Uploaded images and logos are public. A large deployment puts a web server or CDN in front;
# the app still serves them itself so a single container is complete.
urlpatterns += [
    re_path(
        r"^{}(?P<path>.*)$".format(re.escape(settings.MEDIA_URL.lstrip("/"))),
        media.public_media,
    )
]

# Wagtail's page serving is the catch-all, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
