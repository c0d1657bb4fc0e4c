"""WCAG 2.1 AA, page by page: axe-core (node_modules/axe-core, installed by `npm ci`; never a CDN)
runs inside headless Chromium on every public page type and a sponsor's portal pages, in English
and in Arabic (right to left), and any serious or critical violation fails the test. Pages also
reflow at 320 CSS px without scrolling sideways (WCAG 1.4.10)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from events.choices import PackageCategory
from tests.e2e.helpers import chromium_page, screenshot
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    pledge_for,
    site_tree,
)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (CI and `make test` install it).")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def catalogue():
    _, index = site_tree()
    event = make_event(index, title="Global Symposium for Regulators", slug="gsr-26")
    make_terms(event)
    gold = make_package(event, title="Gold partner", slug="gold", capacity=3)
    make_package(
        event,
        title="Fellowships",
        slug="fellowships",
        capacity=20,
        max_per_sponsor=10,
        category=PackageCategory.FELLOWSHIP,
        price=4000,
    )
    return event, gold


def scan(page, axe_source, url, *, wait_for=None):
    page.goto(url)
    if wait_for:
        page.wait_for_selector(wait_for, timeout=20_000)
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, TAGS)


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def signed_in_cookie(live_server, user):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_and_portal_pages_have_no_serious_accessibility_violation(
    live_server, catalogue, axe_source, language
):
    event, gold = catalogue
    user, organisation = make_sponsor(email="amina@savanna.example")
    pledge = pledge_for((user, organisation), gold)
    public = {
        "home": "/",
        "events": "/events/",
        "event": event.url,
        "package": gold.url,
        "search": "/search/?q=gold",
        "register": "/partnerships/",
        "charts": "/partnerships/charts/",
        "sign-in": "/accounts/login/",
        "accessibility": "/accessibility/",
    }
    portal = {
        "account": "/account/",
        "pledges": "/account/pledges/",
        "pledge": f"/account/pledges/{pledge.public_id}/",
    }
    found = {}
    with chromium_page() as page:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for name, path in public.items():
            found[name] = scan(page, axe_source, live_server.url + path)
        found["api-docs"] = scan(
            page, axe_source, live_server.url + "/api/v1/docs/", wait_for=".opblock"
        )
        assert page.locator("html").get_attribute("lang") == language
        page.context.add_cookies([signed_in_cookie(live_server, user)])
        for name, path in portal.items():
            found[name] = scan(page, axe_source, live_server.url + path)
        screenshot(page, f"a11y-pledge-{language}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

    impacts = ("critical", "serious", "moderate", "minor")
    counts = {
        name: {impact: sum(v["impact"] == impact for v in violations) for impact in impacts}
        for name, violations in found.items()
    }
    print(json.dumps(counts))  # the figures for the accessibility statement and the issue note
    problems = {name: serious(violations) for name, violations in found.items()}
    assert {name: v for name, v in problems.items() if v} == {}


def test_pages_reflow_at_320_css_pixels(live_server, catalogue):
    event, gold = catalogue
    user, organisation = make_sponsor(email="amina@savanna.example")
    pledge = pledge_for((user, organisation), gold)
    wide = {}
    with chromium_page(width=320, height=800) as page:
        for path in ("/events/", event.url, gold.url, "/partnerships/", "/partnerships/charts/"):
            page.goto(live_server.url + path)
            wide[path] = page.evaluate("document.documentElement.scrollWidth")
        page.context.add_cookies([signed_in_cookie(live_server, user)])
        path = f"/account/pledges/{pledge.public_id}/"
        page.goto(live_server.url + path)
        wide[path] = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "a11y-pledge-320px")
    assert {path: width for path, width in wide.items() if width > 320} == {}


# The staff side: the admin dashboard as each role sees it, the finance workspace, a pledge's
# story and the fulfilment board. Staff read the admin in their Wagtail language (here set
# to Arabic for the right-to-left run).
def staff_pages(event, pledge):
    from django.urls import reverse

    return {
        "approver": [
            ("dashboard", "/admin/"),
            ("pledge-story", reverse("pledges_admin:inspect", args=[pledge.pk])),
        ],
        "organiser": [
            ("dashboard", "/admin/"),
            ("fulfilment-board", reverse("fulfilment_admin:board", args=[event.pk])),
        ],
        "finance": [
            ("dashboard", "/admin/"),
            ("finance-overview", "/admin/finance/overview/"),
            ("finance-aging", "/admin/finance/aging/"),
            ("finance-journal", "/admin/finance/journal/"),
            ("finance-unallocated", "/admin/finance/unallocated/"),
        ],
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_staff_pages_have_no_serious_or_critical_violations(
    live_server, settings, tmp_path, catalogue, axe_source, language
):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from events.editorial import APPROVERS, ORGANISERS, ensure_editorial_setup
    from events.models import EventOrganiser
    from marketplace.core.roles import FINANCE, ensure_roles
    from marketplace.payments.bank import record_transfer
    from sponsors.languages import set_language_of
    from tests.factories import make_user

    settings.STAFF_REQUIRE_MFA = False  # the MFA gate is test_staff_mfa's subject
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    event, gold = catalogue
    ensure_editorial_setup(event.get_parent())
    ensure_roles()
    sponsor = make_sponsor(email="amina@savanna.example")
    pledge = pledge_for(sponsor, gold)
    record_transfer(
        pledge, amount=pledge.total, currency=pledge.currency, value_date=timezone.localdate(),
        bank_reference="A11Y-1", actor=None,
    )  # fmt: skip
    staff = {}
    for role, group in (("approver", APPROVERS), ("organiser", ORGANISERS), ("finance", FINANCE)):
        user = make_user(f"{role}@bureau.example")
        user.groups.add(Group.objects.get(name=group))
        set_language_of(user, language)
        staff[role] = user
    EventOrganiser.objects.create(event=event, user=staff["organiser"])

    found = {}
    with chromium_page(width=1400, height=1000) as page:
        for role, pages in staff_pages(event, pledge).items():
            page.context.clear_cookies()
            page.context.add_cookies([signed_in_cookie(live_server, staff[role])])
            for name, path in pages:
                violations = scan(page, axe_source, live_server.url + path)
                assert page.locator("html").get_attribute("lang") == language, path
                found[f"{role}:{name}"] = violations
                screenshot(page, f"a11y-staff-{role}-{name}-{language}")
    impacts = ("critical", "serious", "moderate", "minor")
    counts = {
        name: {impact: sum(v["impact"] == impact for v in violations) for impact in impacts}
        for name, violations in found.items()
    }
    print(json.dumps(counts))
    problems = {name: serious(violations) for name, violations in found.items()}
    assert {name: v for name, v in problems.items() if v} == {}
