"""The demo catalogue: GSR-26, the ITU-D Study Group 1 and 2 meetings and a regional forum.

Packages read like a real prospectus. Dates are set relative to the day the demo is first
loaded, so a fresh `make run` always shows a live catalogue; later runs change nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from cms.models import HomePage, StandardPage
from events.choices import BenefitKind as B
from events.choices import PackageCategory as C
from events.models import EventIndexPage, EventPage, PackageBenefit, SponsorshipPackagePage


@dataclass
class PackageSpec:
    slug: str
    title: str
    category: str
    price: int
    capacity: int | None
    summary: str
    benefits: list = field(default_factory=list)
    max_per_sponsor: int = 1
    requires_approval: bool = False


def headline_tiers(scale: Decimal) -> list[PackageSpec]:
    def price(amount):
        return int(Decimal(amount) * scale)

    return [
        PackageSpec(
            "platinum",
            "Platinum partner",
            C.HEADLINE,
            price(150000),
            1,
            "The event's principal partner: top billing everywhere, a keynote slot and a "
            "private meeting room for the whole event.",
            [
                (B.LOGO_WEBSITE, 1, 45),
                (B.LOGO_SCREENS, 1, 14),
                (B.SPEAKING_SLOT, 1, 30),
                (B.PASSES, 10, 21),
                (B.PRESS_RELEASE, 1, 30),
                (B.EXHIBITION, 1, 21),
            ],
            requires_approval=True,
        ),
        PackageSpec(
            "gold",
            "Gold partner",
            C.HEADLINE,
            price(75000),
            3,
            "Prominent visibility before and during the event, a panel seat and delegate passes.",
            [
                (B.LOGO_WEBSITE, 1, 45),
                (B.LOGO_SCREENS, 1, 14),
                (B.SPEAKING_SLOT, 1, 30),
                (B.PASSES, 5, 21),
                (B.SOCIAL_MEDIA, 2, 14),
            ],
        ),
        PackageSpec(
            "silver",
            "Silver partner",
            C.HEADLINE,
            price(40000),
            5,
            "Your logo on the website and venue screens, with delegate passes.",
            [(B.LOGO_WEBSITE, 1, 45), (B.LOGO_SCREENS, 1, 14), (B.PASSES, 3, 21)],
        ),
    ]


def hospitality(scale: Decimal) -> list[PackageSpec]:
    def price(amount):
        return int(Decimal(amount) * scale)

    return [
        PackageSpec(
            "coffee-break",
            "Coffee break",
            C.SOCIAL_EVENT,
            price(8000),
            4,
            "One of the four coffee breaks, with your branding at the coffee stations.",
            [(B.BANNER_VENUE, 1, 14), (B.BRANDED_ITEM, 1, 14)],
            max_per_sponsor=2,
        ),
        PackageSpec(
            "lunch",
            "Networking lunch",
            C.SOCIAL_EVENT,
            price(25000),
            2,
            "One of the two lunches for all delegates, with a welcome word from your CEO.",
            [(B.BANNER_VENUE, 1, 14), (B.SPEAKING_SLOT, 1, 21), (B.LOGO_SCREENS, 1, 14)],
        ),
        PackageSpec(
            "networking-dinner",
            "Networking dinner",
            C.SOCIAL_EVENT,
            price(60000),
            1,
            "The exclusive networking dinner for heads of delegation and regulators.",
            [
                (B.SPEAKING_SLOT, 1, 21),
                (B.BANNER_VENUE, 2, 14),
                (B.PASSES, 4, 21),
                (B.PRESS_RELEASE, 1, 21),
            ],
            requires_approval=True,
        ),
    ]


def visibility(scale: Decimal) -> list[PackageSpec]:
    def price(amount):
        return int(Decimal(amount) * scale)

    return [
        PackageSpec(
            "lanyards",
            "Lanyards",
            C.VISIBILITY,
            price(15000),
            1,
            "Exclusive: every delegate wears your brand on the official lanyard.",
            [(B.BRANDED_ITEM, 1, 30), (B.LOGO_WEBSITE, 1, 30)],
        ),
        PackageSpec(
            "wifi",
            "Conference Wi-Fi",
            C.VISIBILITY,
            price(20000),
            1,
            "Exclusive: the network name and splash page carry your brand.",
            [(B.BRANDED_ITEM, 1, 21), (B.LOGO_SCREENS, 1, 14)],
        ),
        PackageSpec(
            "social-media",
            "Social media spotlight",
            C.VISIBILITY,
            price(3000),
            None,
            "A dedicated post on the event's channels.",
            [(B.SOCIAL_MEDIA, 1, 7)],
            max_per_sponsor=3,
        ),
    ]


def fellowships() -> list[PackageSpec]:
    return [
        PackageSpec(
            "fellowships",
            "Fellowships for delegates from least-developed countries",
            C.FELLOWSHIP,
            4000,
            20,
            "Each fellowship covers travel and subsistence for one delegate from a "
            "least-developed country. Up to 10 per sponsor.",
            [(B.LOGO_WEBSITE, 1, 30), (B.PRESS_RELEASE, 1, 14)],
            max_per_sponsor=10,
        )
    ]


def side_events(scale: Decimal) -> list[PackageSpec]:
    return [
        PackageSpec(
            "side-event-room",
            "Side-event room",
            C.SIDE_EVENT,
            int(5000 * scale),
            3,
            "A room for 60 for a half-day side event, with AV and listing in the programme.",
            [(B.SIDE_EVENT_ROOM, 1, 30), (B.LOGO_WEBSITE, 1, 30)],
        ),
        PackageSpec(
            "in-kind-equipment",
            "In-kind: interpretation equipment",
            C.IN_KIND,
            0,
            1,
            "Provide the simultaneous interpretation equipment for the plenary (in kind).",
            [(B.LOGO_SCREENS, 1, 14), (B.OTHER, 1, 30)],
            requires_approval=True,
        ),
    ]


@dataclass
class EventSpec:
    slug: str
    title: str
    acronym: str
    starts_in_days: int
    days: int
    city: str
    country: str
    venue: str
    region: str
    currency: str
    summary: str
    packages: list


def demo_events() -> list[EventSpec]:
    return [
        EventSpec(
            "gsr-26",
            "Global Symposium for Regulators",
            "GSR-26",
            75,
            3,
            "Geneva",
            "CH",
            "International Conference Centre Geneva",
            "GLO",
            "CHF",
            "The annual meeting of ICT regulators from around the world, with industry leaders "
            "and policy makers.",
            headline_tiers(Decimal(1))
            + hospitality(Decimal(1))
            + visibility(Decimal(1))
            + fellowships()
            + side_events(Decimal(1)),
        ),
        EventSpec(
            "itu-d-study-group-1",
            "ITU-D Study Group 1 meeting",
            "ITU-D SG1",
            110,
            5,
            "Geneva",
            "CH",
            "ITU headquarters",
            "GLO",
            "CHF",
            "Enabling environment for meaningful connectivity: the Study Group's annual meeting.",
            headline_tiers(Decimal("0.4"))[1:]
            + hospitality(Decimal("0.5"))[:2]
            + visibility(Decimal("0.5"))
            + fellowships(),
        ),
        EventSpec(
            "itu-d-study-group-2",
            "ITU-D Study Group 2 meeting",
            "ITU-D SG2",
            118,
            5,
            "Geneva",
            "CH",
            "ITU headquarters",
            "GLO",
            "CHF",
            "Digital transformation: the Study Group's annual meeting of rapporteurs and experts.",
            headline_tiers(Decimal("0.4"))[1:]
            + hospitality(Decimal("0.5"))[:2]
            + visibility(Decimal("0.5"))[:2]
            + fellowships()
            + side_events(Decimal("0.6"))[:1],
        ),
        EventSpec(
            "regional-forum-africa",
            "Regional Economic and Regulatory Forum for Africa",
            "RERF-AFR",
            45,
            2,
            "Kigali",
            "RW",
            "Kigali Convention Centre",
            "AFR",
            "USD",
            "Regulators, operators and investors of the region on financing connectivity.",
            headline_tiers(Decimal("0.3"))
            + hospitality(Decimal("0.4"))
            + visibility(Decimal("0.4"))[:2]
            + fellowships(),
        ),
    ]


def ensure_site() -> tuple[HomePage, EventIndexPage]:
    """The home page as the default site's root, and the events index at /events/."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        welcome = Page.objects.filter(depth=2, slug="home").exclude(content_type__model="homepage")
        for page in welcome:  # Wagtail's "Welcome to your new Wagtail site!" placeholder
            page.delete()
        home = root.add_child(
            instance=HomePage(
                title="Sponsorship opportunities",
                slug="home",
                intro="Sponsor the events where the world's ICT regulators, ministers and "
                "industry meet, and help delegates from least-developed countries take part.",
                call_to_sponsors="Companies, foundations, Member States, academia and UN "
                "agencies: choose a package, pledge online and pay by card or bank transfer.",
            )
        )
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Sponsorship opportunities",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Sponsorship opportunities"
        site.save()
    index = EventIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=EventIndexPage(
                title="Events",
                slug="events",
                intro="Upcoming events of the development bureau that welcome sponsors.",
            )
        )
        index.save_revision().publish()
    if not StandardPage.objects.filter(slug="about").exists():
        about = home.add_child(
            instance=StandardPage(
                title="About sponsorship",
                slug="about",
                intro="How sponsorship of the bureau's events works.",
                body=[
                    (
                        "paragraph",
                        RichText(
                            "<p>Every package lists its benefits and how many are left. A "
                            "pledge holds your slots while you pay: 30 minutes by card, up to "
                            "14 days by bank transfer. Packages marked as requiring approval "
                            "are confirmed after due diligence.</p>"
                        ),
                    )
                ],
            )
        )
        about.save_revision().publish()
    return home, index


def ensure_event(index: EventIndexPage, spec: EventSpec) -> tuple[EventPage, bool]:
    existing = EventPage.objects.child_of(index).filter(slug=spec.slug).first()
    if existing is not None:
        return existing, False
    start = timezone.localdate() + datetime.timedelta(days=spec.starts_in_days)
    event = index.add_child(
        instance=EventPage(
            title=spec.title,
            slug=spec.slug,
            acronym=spec.acronym,
            start_date=start,
            end_date=start + datetime.timedelta(days=spec.days - 1),
            city=spec.city,
            country=spec.country,
            venue=spec.venue,
            region=spec.region,
            currency=spec.currency,
            sponsorship_deadline=start - datetime.timedelta(days=14),
            organiser_name="Partnerships and events team",
            organiser_email="sponsorship@example.org",
            summary=spec.summary,
            # The summary is the page's lead; the body says what it adds (once, not twice).
            body=[
                (
                    "paragraph",
                    RichText(
                        f"<p>Sponsors of {spec.acronym} choose a package below: each lists its "
                        "benefits with their delivery dates, its price and how many are left. "
                        "Pledge online, then pay by card or bank transfer.</p>"
                    ),
                )
            ],
        )
    )
    event.save_revision().publish()
    for package_spec in spec.packages:
        package = SponsorshipPackagePage(
            title=package_spec.title,
            slug=package_spec.slug,
            category=package_spec.category,
            price=Decimal(package_spec.price),
            capacity=package_spec.capacity,
            max_per_sponsor=package_spec.max_per_sponsor,
            requires_approval=package_spec.requires_approval,
            summary=package_spec.summary,
            description=[("paragraph", RichText(f"<p>{package_spec.summary}</p>"))],
        )
        for kind, quantity, days in package_spec.benefits:
            package.benefits.add(
                PackageBenefit(kind=kind, quantity=quantity, days_before_event=days)
            )
        event.add_child(instance=package)
        package.save_revision().publish()
    return event, True
