"""Public catalogue pages: events list filters, event page grouping, package page, search."""

import datetime
from decimal import Decimal

from django.utils import timezone

from events.choices import BenefitKind, PackageCategory
from tests.factories import make_event, make_package


def test_events_list_puts_upcoming_first_and_filters_by_region_and_month(client, tree):
    today = timezone.localdate()
    past = make_event(
        tree[1],
        title="Past forum",
        slug="past",
        start_date=today - datetime.timedelta(days=40),
        sponsorship_deadline=today - datetime.timedelta(days=50),
    )
    later = make_event(
        tree[1],
        title="Later symposium",
        slug="later",
        region="EUR",
        start_date=today + datetime.timedelta(days=90),
    )
    soon = make_event(
        tree[1],
        title="Soon forum",
        slug="soon",
        region="AFR",
        start_date=today + datetime.timedelta(days=20),
        sponsorship_deadline=today + datetime.timedelta(days=10),
    )
    html = client.get("/events/").content.decode()
    assert html.index(soon.title) < html.index(later.title) < html.index(past.title)

    html = client.get("/events/?region=AFR").content.decode()
    assert soon.title in html and later.title not in html

    month = later.start_date.strftime("%Y-%m")
    html = client.get(f"/events/?month={month}").content.decode()
    assert later.title in html and soon.title not in html  # 70 days apart: other months

    html = client.get("/events/?region=XXX&month=garbage").content.decode()
    assert soon.title in html and later.title in html  # bad filters are ignored, not errors


def test_events_list_empty_state(client, tree):
    html = client.get("/events/").content.decode()
    assert "No events are open for sponsorship yet" in html
    html = client.get("/events/?region=CIS").content.decode()
    assert "No event matches these filters" in html


def test_event_page_groups_packages_by_category_in_catalogue_order(client, tree):
    event = make_event(tree[1], currency="USD")
    make_package(
        event,
        title="Fellowship",
        slug="fellowship",
        category=PackageCategory.FELLOWSHIP,
        price=Decimal("4000"),
        capacity=20,
        max_per_sponsor=10,
    )
    make_package(event, title="Gold partner", slug="gold", category=PackageCategory.HEADLINE)
    make_package(
        event, title="Lanyards", slug="lanyards", category=PackageCategory.VISIBILITY, capacity=1
    )
    html = client.get(event.url).content.decode()
    assert html.index("Headline tier") < html.index("Visibility item") < html.index("Fellowship")
    assert "USD\u00a04,000" in html
    assert "20 of 20 left" in html


def test_package_page_lists_benefits_and_a_sign_in_call_to_action(client, tree):
    event = make_event(tree[1])
    package = make_package(
        event,
        benefits=[(BenefitKind.PASSES, 5, 21), (BenefitKind.SPEAKING_SLOT, 1, 30)],
        price=Decimal("75000"),
    )
    html = client.get(package.url).content.decode()
    assert "Complimentary passes" in html and "Speaking slot" in html
    assert "21 days before the event" in html
    assert "CHF\u00a075,000" in html
    assert "/accounts/login/?next=" in html


def test_unpublished_pages_never_appear(client, tree):
    event = make_event(tree[1])
    make_package(event, title="Secret draft package", slug="draft", live=False)
    hidden_event = make_event(tree[1], title="Hidden event", slug="hidden", live=False)
    assert "Secret draft package" not in client.get(event.url).content.decode()
    assert "Hidden event" not in client.get("/events/").content.decode()
    assert client.get(hidden_event.url).status_code == 404
    assert "Secret draft package" not in client.get("/").content.decode()


def test_home_page_shows_upcoming_events_and_headline_packages(client, tree):
    event = make_event(tree[1], title="Global Symposium", slug="gsr")
    make_package(event, title="Platinum partner", slug="platinum", capacity=1)
    html = client.get("/").content.decode()
    assert "Global Symposium" in html
    assert "Platinum partner" in html
    assert "Become a sponsor" in html


def test_search_finds_events_and_packages(client, tree):
    event = make_event(tree[1], title="Regulators symposium", slug="regs")
    make_package(event, title="Wi-Fi sponsorship", slug="wifi", summary="Branded wireless network")
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    html = client.get("/search/?q=wireless").content.decode()
    assert "Wi-Fi sponsorship" in html
    html = client.get("/search/?q=symposium&type=event").content.decode()
    assert "Regulators symposium" in html
    html = client.get("/search/?q=zzzznothing").content.decode()
    assert "Nothing matches" in html
    assert client.get("/search/?q=" + "x" * 5000).status_code == 200


def test_language_choice_is_remembered_and_never_redirects_off_site(client, tree):
    response = client.get("/language/?language=fr&next=/events/")
    assert response.status_code == 302 and response["Location"] == "/events/"
    assert response.cookies["django_language"].value == "fr"
    response = client.get("/language/?language=fr&next=https://evil.example/")
    assert response["Location"] == "/"
    response = client.get("/language/?language=xx&next=/")
    assert "django_language" not in response.cookies
