"""The catalogue: events and the sponsorship packages they offer, as Wagtail pages.

Rules of the catalogue live here (dates in order, prices not negative, capacities positive,
benefit deadlines before the event). Availability is counted in `events/availability.py`.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from events.availability import availability_for
from events.blocks import BodyBlock
from events.catalogue import FRAGMENT_SECONDS, Catalogue
from events.choices import BenefitKind, Currency, PackageCategory, Region
from events.offers import offers_for
from marketplace.core.page_routes import SkipsViewRestrictionsWhenNone, any_view_restrictions

EVENTS_PER_PAGE = 12
STANDARD_REFUND_POLICY = _(
    "Before it is paid, a pledge can be cancelled at any time from the sponsor portal, free of "
    "charge. After payment, a sponsor who cancels before the sponsorship deadline is refunded "
    "in full, less any bank charges; after the deadline, benefits already produced are not "
    "refunded and the organisers refund the rest. If the event is cancelled or moved online, "
    "the organisers refund what cannot be delivered."
)


class EventIndexPage(SkipsViewRestrictionsWhenNone, Page):
    """The list of events (at /events/): upcoming first, filterable by region and month."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.child_of(self).live().public()
        region = request.GET.get("region", "")
        if region in Region.values:
            events = events.filter(region=region)
        else:
            region = ""
        month = _parse_month(request.GET.get("month", ""))
        if month:
            events = events.filter(start_date__year=month.year, start_date__month=month.month)
        today = timezone.localdate()
        upcoming = list(events.filter(end_date__gte=today).order_by("start_date", "pk"))
        past = list(events.filter(end_date__lt=today).order_by("-start_date", "pk"))
        paginator = Paginator(upcoming + past, EVENTS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        offers = offers_for(page.object_list)  # price range and packages left, per event
        for event in page.object_list:
            event.offer = offers.get(event.pk)
        context.update(
            events=page,
            upcoming_count=len(upcoming),
            regions=Region.choices,
            selected_region=region,
            selected_month=month.strftime("%Y-%m") if month else "",
            today=today,
        )
        return context


def _parse_month(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None


class EventPage(SkipsViewRestrictionsWhenNone, Page):
    """An event that offers sponsorship packages (its children)."""

    acronym = models.CharField(_("acronym"), max_length=40, help_text=_("For example GSR-26."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    region = models.CharField(
        _("beneficiary region"), max_length=3, choices=Region.choices, default=Region.GLO
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CHF
    )
    sponsorship_deadline = models.DateField(
        _("sponsorship deadline"),
        help_text=_("The last day a sponsor can pledge. On or before the event's last day."),
    )
    organiser_name = models.CharField(_("organiser contact name"), max_length=200)
    organiser_email = models.EmailField(_("organiser contact email"))
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refund_policy = models.TextField(
        _("refund and cancellation policy"),
        blank=True,
        help_text=_(
            "Shown on the event page; the sponsorship terms refer to it. Empty: the standard "
            "policy below the field applies."
        ),
    )
    card_hold_minutes = models.PositiveIntegerField(
        _("card payment hold (minutes)"),
        default=30,
        validators=[MinValueValidator(30)],
        help_text=_("How long a card pledge holds its slots. Stripe needs at least 30 minutes."),
    )
    bank_transfer_hold_days = models.PositiveIntegerField(
        _("bank transfer hold (days)"),
        default=14,
        validators=[MinValueValidator(1)],
        help_text=_("How long a bank-transfer pledge holds its slots, never past the deadline."),
    )
    sponsor_wall_headings = models.BooleanField(
        _("category headings on the sponsor wall"),
        default=True,
        help_text=_(
            "The wall lists sponsors by their package's tier rank. Ticked, each tier is "
            "headed by its package category; unticked, the tiers follow one another unheaded."
        ),
    )
    sponsorship_target = models.DecimalField(
        _("sponsorship target"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"), message=_("The target must be positive."))],
        help_text=_(
            "How much sponsorship the event aims to raise, in its currency. Organisers see "
            "what is raised against it on their dashboard. Leave blank for no target."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("acronym"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("venue"),
                FieldRowPanel([FieldPanel("region"), FieldPanel("currency")]),
            ],
            heading=_("When and where"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("sponsorship_deadline"), FieldPanel("sponsorship_target")]
                ),
                FieldRowPanel(
                    [FieldPanel("card_hold_minutes"), FieldPanel("bank_transfer_hold_days")]
                ),
                FieldPanel("sponsor_wall_headings"),
                FieldRowPanel([FieldPanel("organiser_name"), FieldPanel("organiser_email")]),
            ],
            heading=_("Sponsorship"),
        ),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        FieldPanel("refund_policy"),
    ]
    # Who organises the event: they alone (with approvers and superusers) see its pledges,
    # agreements and fulfilment tasks in the admin (see `events/scope.py`).
    team_panels = [
        InlinePanel(
            "organisers",
            heading=_("Organisers"),
            label=_("Organiser"),
            help_text=_(
                "The people (or groups) who organise this event. They see and act on this "
                "event's pledges, agreements and benefit tasks; other organisers do not. Changes "
                "take effect when the page is published."
            ),
        )
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(team_panels, heading=_("Team")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("acronym", boost=3),
        index.SearchField("summary"),
        index.SearchField("city"),
        index.SearchField("body"),
        index.FilterField("region"),
        index.FilterField("start_date"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = ["events.SponsorshipPackagePage"]

    class Meta:
        verbose_name = _("event")

    @property
    def name(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The event cannot end before it starts.")
        if (
            self.end_date
            and self.sponsorship_deadline
            and self.sponsorship_deadline > self.end_date
        ):
            errors["sponsorship_deadline"] = _(
                "The sponsorship deadline must be on or before the event's last day."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def refund_policy_text(self) -> str:
        """The event's refund and cancellation policy, or the standard one."""
        return self.refund_policy.strip() or str(STANDARD_REFUND_POLICY)

    @property
    def pledging_open(self) -> bool:
        return timezone.localdate() <= self.sponsorship_deadline

    def live_packages(self):
        """Published packages with everything the event page shows, in a fixed number of
        queries whatever their number."""
        packages = SponsorshipPackagePage.objects.child_of(self).live()
        if any_view_restrictions():  # otherwise no package is private: no query for them
            packages = packages.public()
        return packages.select_related("image").prefetch_related("benefits").order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The packages are read only when the cached catalogue part is rendered (catalogue.py).
        context["catalogue"] = Catalogue(self)
        context["catalogue_seconds"] = FRAGMENT_SECONDS
        return context


def staff_users():
    """The users an event's team is chosen from: staff in some group, and superusers; never a
    sponsor account (the list would show every sponsor's email address)."""
    memberships = get_user_model().groups.through.objects.values("user_id")
    return models.Q(is_active=True) & (models.Q(is_superuser=True) | models.Q(pk__in=memberships))


class EventOrganiser(Orderable):
    """One organiser of an event: a user, or a group whose members all organise it."""

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="organisers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="organised_events",
        limit_choices_to=staff_users,
    )
    group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="organised_events",
    )

    panels = [FieldRowPanel([FieldPanel("user"), FieldPanel("group")])]

    class Meta(Orderable.Meta):
        verbose_name = _("event organiser")
        verbose_name_plural = _("event organisers")
        permissions = [
            (
                "act_on_all_events",
                "Can see and act on the sponsorship of every event, not only those organised",
            )
        ]

    def __str__(self):
        return str(self.user or self.group or "—")

    def clean(self):
        super().clean()
        if bool(self.user_id) == bool(self.group_id):
            raise ValidationError(_("Choose either a user or a group, not both and not neither."))


# Packages nobody ranked come after every ranked tier on the sponsor wall.
DEFAULT_TIER_RANK = 100


class SponsorshipPackagePage(SkipsViewRestrictionsWhenNone, Page):
    """Something a sponsor can pledge: a tier, a coffee break, a fellowship..."""

    category = models.CharField(_("category"), max_length=20, choices=PackageCategory.choices)
    tier_rank = models.PositiveSmallIntegerField(
        _("tier rank"),
        default=DEFAULT_TIER_RANK,
        blank=True,  # left empty, the package takes the default rank (see clean)
        validators=[MinValueValidator(1, message=_("The tier rank must be at least 1."))],
        help_text=_(
            "Where this package's sponsors appear on the sponsor wall: 1 first (the headline "
            "tier), then 2, and so on. Packages of the same rank form one tier."
        ),
    )
    price = models.DecimalField(
        _("price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), message=_("The price cannot be negative."))],
        help_text=_("Per unit, in the event's currency."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, message=_("Capacity must be at least 1."))],
        help_text=_("How many can be sold. Leave blank for unlimited; 1 means exclusive."),
    )
    max_per_sponsor = models.PositiveIntegerField(
        _("maximum per sponsor"),
        default=1,
        validators=[MinValueValidator(1, message=_("The maximum per sponsor must be at least 1."))],
    )
    requires_approval = models.BooleanField(
        _("requires approval"),
        default=False,
        help_text=_("Pledges are confirmed only after due diligence and an approver's decision."),
    )
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    description = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("category"), FieldPanel("tier_rank"), FieldPanel("price")]),
        FieldRowPanel(
            [FieldPanel("capacity"), FieldPanel("max_per_sponsor"), FieldPanel("requires_approval")]
        ),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("description"),
        InlinePanel("benefits", heading=_("Benefits"), label=_("Benefit")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("category"),
    ]
    parent_page_types = ["events.EventPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("sponsorship package")

    @cached_property
    def event(self) -> EventPage:
        return EventPage.objects.ancestor_of(self).get()

    @property
    def currency(self) -> str:
        return self.event.currency

    @property
    def is_exclusive(self) -> bool:
        return self.capacity == 1

    def clean(self):
        super().clean()
        if self.tier_rank is None:
            self.tier_rank = DEFAULT_TIER_RANK
        if (
            self.capacity is not None
            and self.max_per_sponsor
            and self.max_per_sponsor > self.capacity
        ):
            raise ValidationError(
                {"max_per_sponsor": _("The maximum per sponsor cannot exceed the capacity.")}
            )

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        event = self.event
        context["event"] = event
        context["availability"] = availability_for([self])[self.pk]
        benefits = list(self.benefits.all())
        for benefit in benefits:  # an absolute date; "45 days before" is only the hint
            benefit.due = benefit.deadline_for(event)
        context["benefits"] = benefits
        return context


class PackageBenefit(Orderable):
    """A benefit the sponsor of a package receives, delivered some days before the event."""

    package = ParentalKey(SponsorshipPackagePage, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(_("kind"), max_length=20, choices=BenefitKind.choices)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    days_before_event = models.IntegerField(
        _("delivery deadline (days before the event)"),
        default=0,
        validators=[
            MinValueValidator(
                0, message=_("A benefit must be delivered before the event starts, not after.")
            )
        ],
        help_text=_("0 means on the first day of the event."),
    )

    panels = [
        FieldRowPanel(
            [FieldPanel("kind"), FieldPanel("quantity"), FieldPanel("days_before_event")]
        ),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("benefit")

    def __str__(self):
        return f"{self.get_kind_display()} × {self.quantity}"

    def deadline_for(self, event: EventPage) -> datetime.date:
        return event.start_date - datetime.timedelta(days=self.days_before_event)


# The review workflow's task type lives beside the editorial setup; imported here so Django
# registers the model with the events app.
from events.review import SponsorshipReviewTask  # noqa: E402, F401
