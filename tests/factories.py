"""Builders for the catalogue tree used across the suite."""

import datetime
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import HomePage
from events.choices import BenefitKind, PackageCategory
from events.models import EventIndexPage, EventPage, PackageBenefit, SponsorshipPackagePage


def site_tree() -> tuple[HomePage, EventIndexPage]:
    """A home page serving the default site and the events index at /events/."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        Page.objects.filter(depth=2, slug="home").delete()  # Wagtail's welcome page
        home = root.add_child(instance=HomePage(title="Sponsorship opportunities", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "localhost", "port": 80},
        )
    index = EventIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=EventIndexPage(title="Events", slug="events"))
    return home, index


def make_event(index=None, **fields) -> EventPage:
    if index is None:
        index = site_tree()[1]
    today = timezone.localdate()
    start = fields.pop("start_date", today + datetime.timedelta(days=60))
    defaults = {
        "title": "Global Symposium for Regulators",
        "acronym": "GSR-26",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=2),
        "city": "Geneva",
        "country": "CH",
        "region": "GLO",
        "currency": "CHF",
        "sponsorship_deadline": start - datetime.timedelta(days=10),
        "organiser_name": "Events team",
        "organiser_email": "events@example.org",
    }
    defaults.update(fields)
    live = defaults.pop("live", True)
    event = index.add_child(instance=EventPage(**defaults))
    if not live:
        event.unpublish()
    return event


def make_package(event, benefits=(), **fields) -> SponsorshipPackagePage:
    defaults = {
        "title": "Gold sponsor",
        "category": PackageCategory.HEADLINE,
        "price": Decimal("50000.00"),
        "capacity": 3,
        "max_per_sponsor": 1,
    }
    defaults.update(fields)
    live = defaults.pop("live", True)
    package = SponsorshipPackagePage(**defaults)
    for kind, quantity, days in benefits or [(BenefitKind.LOGO_WEBSITE, 1, 14)]:
        package.benefits.add(PackageBenefit(kind=kind, quantity=quantity, days_before_event=days))
    event.add_child(instance=package)
    if not live:
        package.unpublish()
    return package
