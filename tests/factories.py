"""The suite's builders, one module for every area: the catalogue tree (site, events,
packages), people and organisations (sponsors, their members and contacts, API tokens), and
pledges made through the service as a sponsor would."""

import datetime
import itertools
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import HomePage
from events.choices import BenefitKind, PackageCategory
from events.models import EventIndexPage, EventPage, PackageBenefit, SponsorshipPackagePage
from marketplace.pledges.rules import publish_terms
from marketplace.pledges.services import create_pledge
from sponsors.choices import PartnerCategory
from sponsors.models import Clearance, Contact, ContactRole, MemberRole, Membership, Organisation
from sponsors.tokens.services import create_token

PASSWORD = "correct-horse-battery-staple"
_sponsor_numbers = itertools.count(1)
_person_numbers = itertools.count(1)

# ---- The catalogue


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


def make_terms(event, text="Sponsors pay within the hold and follow the code of conduct."):
    return publish_terms(event, text)


# ---- People and organisations


def make_user(email=None, *, verified=True, password=PASSWORD, **fields):
    """A user with a (verified) primary email address, in no organisation."""
    email = email or f"person{next(_person_numbers)}@example.com"
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, **fields
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_organisation(admin=None, *, members=(), contacts=True, **fields):
    number = next(_person_numbers)
    defaults = {
        "legal_name": f"Organisation {number} SA",
        "display_name": f"Organisation {number}",
        "country": "CH",
        "category": PartnerCategory.PRIVATE_SECTOR,
        "declares_no_excluded_activities": True,
        "accepts_global_compact": True,
        "clearance": Clearance.PENDING,
    }
    defaults.update(fields)
    organisation = Organisation.objects.create(**defaults)
    if admin is not None:
        Membership.objects.create(user=admin, organisation=organisation, role=MemberRole.ADMIN)
    for member in members:
        Membership.objects.create(user=member, organisation=organisation, role=MemberRole.MEMBER)
    if contacts:
        Contact.objects.create(
            organisation=organisation,
            role=ContactRole.PRIMARY,
            name="Primary Person",
            email=f"primary{number}@example.com",
        )
    return organisation


def make_sponsor(
    email=None,
    *,
    name=None,
    category=PartnerCategory.PRIVATE_SECTOR,
    declared=True,
    clearance=Clearance.PENDING,
    verified=True,
    organisation=None,
    password=PASSWORD,
):
    """A user with a (verified) email who belongs to an organisation; returns (user, org)."""
    n = next(_sponsor_numbers)
    email = email or f"sponsor{n}@example.com"
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if organisation is None:
        name = name or f"Sponsor {n}"
        organisation = Organisation.objects.create(
            legal_name=f"{name} Ltd",
            display_name=name,
            country="CH",
            category=category,
            declares_no_excluded_activities=declared,
            accepts_global_compact=declared,
            clearance=clearance,
        )
    Membership.objects.create(user=user, organisation=organisation, role=MemberRole.ADMIN)
    return user, organisation


def make_token(user) -> str:
    """A new API token for `user` (whatever the account: tests make staff tokens too)."""
    return create_token(user).key


# ---- Pledges


def pledge_for(user_org, package, quantity=1, payment_method="bank_transfer"):
    """A pledge made through the service, as a sponsor would."""
    user, organisation = user_org
    return create_pledge(
        user=user,
        organisation=organisation,
        package_id=package.pk,
        quantity=quantity,
        payment_method=payment_method,
        accept_terms=True,
    )
