"""The Content-Security-Policy is enforced in a real browser and nothing on the site trips it:
the main public pages (also when served from the page cache), the language switcher, the API
docs, a portal page, and the Wagtail admin (dashboard, a page edit screen, the image chooser)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.images.models import Image

from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import make_event, make_package, make_sponsor, site_tree

# Runs before any page script: records every violation the browser reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def sign_in_as(page, live_server, user):
    """Put a signed-in session cookie in the browser (whatever the sign-in form looks like)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


class Watch:
    """Collects CSP reports from the console and from `securitypolicyviolation` events."""

    def __init__(self, page):
        self.page, self.console = page, []
        page.context.add_init_script(RECORD_VIOLATIONS)
        # Every visit reaches the server (so a page-cache hit is the server's, not Chromium's).
        # (Playwright turns Chromium's HTTP cache off while requests are routed.)
        page.route("**/*", lambda route: route.continue_())
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        events = self.page.evaluate("window.__violations || []")
        found = self.console + events
        self.console = []
        self.page.evaluate("window.__violations = []")
        return found

    def visit(self, url, name):
        response = self.page.goto(url)
        assert response.status == 200, url
        assert "Content-Security-Policy" in {h.title() for h in response.headers}, url
        self.page.wait_for_load_state("networkidle")
        screenshot(self.page, f"csp-{name}")
        assert self.violations() == [], url
        return response


@pytest.fixture
def catalogue(db):
    _, index = site_tree()
    event = make_event(index, title="Global Symposium for Regulators", slug="gsr-26")
    package = make_package(event, title="Gold partner", slug="gold", capacity=3)
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 80), (11, 79, 138)).save(buffer, format="PNG")
    Image.objects.create(title="Venue", file=ImageFile(buffer, name="venue.png"))
    return event, package


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_run_under_the_policy_without_a_violation(live_server, settings, catalogue):
    settings.AVAILABILITY_CACHE_SECONDS = 60
    event, package = catalogue
    base = live_server.url
    with chromium_page() as page:
        watch = Watch(page)
        watch.visit(base + "/", "home")
        # The policy is really enforced: an injected inline script is refused and reported.
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__injected = true'; document.head.appendChild(s); }"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.__injected === undefined")
        assert any("script-src" in v for v in watch.violations())

        watch.visit(base + "/events/", "events")
        watch.visit(base + event.url, "event")
        watch.visit(base + package.url, "package")
        watch.visit(base + "/search/?q=Gold", "search")
        # The event page again: from the page cache now, and still without a violation.
        cached = watch.visit(base + event.url, "event-cached")
        assert cached.headers["x-page-cache"] == "hit"

        # The language switcher still works.
        page.locator(".language-nav").get_by_role("link", name="Français").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert watch.violations() == []
        page.locator(".language-nav").get_by_role("link", name="English").click()
        page.wait_for_load_state("networkidle")

        watch.visit(base + "/accounts/login/", "sign-in")
        assert page.get_by_role("button", name="Sign In").is_visible()

        # The API docs: Swagger UI's script comes from a URL, its style carries the nonce.
        watch.visit(base + "/api/v1/docs/", "api-docs")
        assert (
            page.locator(".swagger-ui .info .title")
            .inner_text()
            .startswith("Sponsorship marketplace API")
        )
        assert watch.violations() == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_portal_and_admin_pages_load_without_a_violation(live_server, settings, catalogue):
    settings.STAFF_REQUIRE_MFA = False  # the admin's MFA gate is another test's subject
    event, _ = catalogue
    base = live_server.url
    sponsor = make_sponsor("maya@acme.example", name="Acme")[0]
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    with chromium_page() as page:
        watch = Watch(page)
        sign_in_as(page, live_server, sponsor)
        watch.visit(base + "/account/", "portal")
        page.context.clear_cookies()

        sign_in_as(page, live_server, admin)
        watch.visit(base + "/admin/", "admin-dashboard")
        watch.visit(base + f"/admin/pages/{event.pk}/edit/", "admin-page-edit")
        page.get_by_role("button", name="Choose an image").click()
        chooser = page.locator(".modal-dialog")
        chooser.get_by_text("Venue").first.wait_for()
        page.wait_for_load_state("networkidle")
        screenshot(page, "csp-admin-image-chooser")
        assert watch.violations() == []

        # A public page seen by staff carries Wagtail's user bar, under the site's policy.
        watch.visit(base + event.url, "event-with-userbar")
        assert page.locator("wagtail-userbar").count() == 1
