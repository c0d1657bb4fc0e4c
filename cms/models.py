"""The Wagtail site: home, standard pages and site-wide settings."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from events.availability import availability_for
from events.blocks import BodyBlock
from events.choices import PackageCategory
from events.models import EventIndexPage, EventPage, SponsorshipPackagePage

HOME_EVENTS = 6
HOME_HEADLINE_PACKAGES = 6


class HomePage(Page):
    """The front page: upcoming events, headline packages and a call to sponsors."""

    intro = models.TextField(_("introduction"), blank=True)
    call_to_sponsors = models.TextField(
        _("call to sponsors"),
        blank=True,
        help_text=_("A short paragraph inviting organisations to sponsor."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("call_to_sponsors"),
        FieldPanel("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        events = list(
            EventPage.objects.live()
            .public()
            .filter(end_date__gte=today)
            .order_by("start_date")[:HOME_EVENTS]
        )
        by_id = {event.pk: event for event in events}
        headline = []
        for event in events:
            packages = (
                SponsorshipPackagePage.objects.child_of(event)
                .live()
                .public()
                .filter(category=PackageCategory.HEADLINE)
                .order_by("-price")
            )
            for package in packages[:2]:
                package.event = by_id[event.pk]
                headline.append(package)
        headline = headline[:HOME_HEADLINE_PACKAGES]
        availability = availability_for(headline)
        for package in headline:
            package.availability = availability[package.pk]
        context.update(
            upcoming_events=events,
            headline_packages=headline,
            events_index=EventIndexPage.objects.live().first(),
        )
        return context


class StandardPage(Page):
    """A plain content page (about, terms, contact...)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Who runs the marketplace (the bank details invoices print are finance's:
    `marketplace.finance.models.FinanceSettings`)."""

    organisation_name = models.CharField(
        _("organisation name"), max_length=200, default="Telecommunication Development Bureau"
    )
    contact_email = models.EmailField(_("contact email"), default="sponsorship@example.org")
    address = models.TextField(_("postal address"), blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("contact_email"), FieldPanel("address")],
            heading=_("Organisation"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")


def fill_document_issuer(issuer: dict, *, site) -> None:
    """DOCUMENT_ISSUER step (`marketplace/finance/hooks.py`): finance documents and agreements
    are issued in the name of the organisation these settings name."""
    values = SiteSettings.for_site(site) if site else SiteSettings()
    issuer.update(
        organisation_name=values.organisation_name,
        contact_email=values.contact_email,
        address=values.address,
    )
