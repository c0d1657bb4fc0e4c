"""Content-Security-Policy, Referrer-Policy and Permissions-Policy on public, portal, admin and
API-docs pages; the admin's own policy; nonces; and the page cache under the policy."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from marketplace.core.page_cache import AnonymousPageCacheMiddleware, clear_local
from tests.factories import make_event, make_package

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_strict_site_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com"]
    assert_other_headers(response)


def assert_other_headers(response):
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


@pytest.fixture
def event(tree):
    event = make_event(tree[1])
    make_package(event, title="Coffee break", price="5000.00")
    return event


def test_public_pages_have_the_strict_policy_and_no_inline_script(client, event):
    for url in ("/", "/events/", event.url, event.get_children().first().url, "/search/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_site_policy(response)
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url


def test_a_portal_page_has_the_strict_policy(client):
    from tests.factories import make_sponsor

    user = make_sponsor("maya@acme.example", name="Acme")[0]
    client.force_login(user)
    response = client.get("/account/")
    assert response.status_code == 200
    assert_strict_site_policy(response)


def test_the_admin_has_its_own_policy_strict_but_for_wagtails_inline_code(client, tree):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]  # Wagtail's inline scripts
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com"]
    assert not any("nonce-" in value for value in policy["script-src"])
    assert_other_headers(response)


def test_the_api_docs_load_their_script_from_a_url_and_style_with_the_nonce(client):
    first = client.get("/api/v1/docs/")
    second = client.get("/api/v1/docs/")
    assert first.status_code == 200
    assert_strict_site_policy(first)
    html = first.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    nonce = re.search(r"<style nonce=\"([^\"]+)\"", html).group(1)
    assert f"'nonce-{nonce}'" in directives(first)["style-src"]
    # A new nonce for every response.
    assert directives(first)["style-src"] != directives(second)["style-src"]
    script = client.get("/api/v1/docs/?script")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_a_cached_public_page_is_served_with_the_policy(client, event, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 30
    clear_local()
    first = client.get(event.url)
    again = client.get(event.url)
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert_strict_site_policy(again)
    assert again.content == first.content


def test_a_page_rendered_with_the_nonce_is_not_cached(settings, tree):
    settings.AVAILABILITY_CACHE_SECONDS = 30
    clear_local()
    renders = []

    def page_with_inline_script(request):
        renders.append(1)
        return HttpResponse(f'<script nonce="{request.csp_nonce}">go()</script>')

    from marketplace.core.security_headers import SecurityHeadersMiddleware

    stack = SecurityHeadersMiddleware(AnonymousPageCacheMiddleware(page_with_inline_script))
    nonces = []
    for _ in range(2):
        request = RequestFactory().get("/events/with-script/")
        request.user = AnonymousUser()
        response = stack(request)
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(renders) == 2 and nonces[0] != nonces[1]
