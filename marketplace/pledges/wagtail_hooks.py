"""The pledges' screens in the Wagtail admin, grouped under "Sponsorship": pledges (listing with
filters, search and CSV export; a pledge with its history and actions), the waiting list, and
each event's versioned terms."""

from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from events import scope
from events.dashboard import is_organiser
from events.templatetags.money import money
from marketplace.core.admin import ReadOnlyViewSet
from marketplace.pledges import admin_views, dashboard, message_views
from marketplace.pledges.models import EventTerms, Pledge, SponsorMessage, WaitlistEntry
from marketplace.pledges.rules import publish_terms


def _amount(pledge) -> str:
    return money(pledge.total, pledge.currency)


def _expiry(pledge) -> str:
    if pledge.holds_until is None:
        return "—"
    return date_format(timezone.localtime(pledge.holds_until), "j M Y, H:i T")


class PledgesViewSet(ReadOnlyViewSet):
    """Pledges and the waiting list change through services, never forms."""

    add_to_reference_index = False  # nothing references them; saves queries on every pledge


class PledgeViewSet(PledgesViewSet):
    model = Pledge
    name = "pledges_admin"
    url_prefix = "pledges"
    icon = "form"
    menu_label = _("Pledges")
    index_view_class = admin_views.PledgeIndexView
    inspect_view_class = admin_views.PledgeInspectView
    list_display = [
        "reference",
        Column("organisation", label=_("Sponsor"), sort_key="organisation__display_name"),
        Column("package_title", label=_("Package"), sort_key="package_title"),
        Column("event", label=_("Event"), accessor="event.acronym", sort_key="event__acronym"),
        Column("quantity", label=_("Qty"), sort_key="quantity"),
        Column("total", label=_("Amount"), accessor=_amount, sort_key="total"),
        Column("status", label=_("State"), accessor="get_status_display", sort_key="status"),
        Column("expires_at", label=_("Hold expires"), accessor=_expiry, sort_key="expires_at"),
    ]
    filterset_class = admin_views.PledgeFilterSet
    search_fields = ["reference", "organisation__display_name", "organisation__legal_name"]
    search_backend_name = None
    list_per_page = 50
    list_export = [
        "reference",
        "organisation.display_name",
        "organisation.legal_name",
        "organisation.country",
        "event.acronym",
        "package_title",
        "package_category",
        "quantity",
        "unit_price",
        "total",
        "currency",
        "payment_method",
        "status",
        "expires_at",
        "created_at",
        "accepted_terms.version",
    ]
    export_headings = {
        "organisation.display_name": _("Sponsor"),
        "organisation.legal_name": _("Legal name"),
        "organisation.country": _("Country"),
        "event.acronym": _("Event"),
        "accepted_terms.version": _("Terms version"),
    }
    export_filename = "pledges"
    inspect_view_fields = [
        "reference",
        "status",
        "expires_at",
        "organisation",
        "created_by",
        "event",
        "package",
        "package_title",
        "quantity",
        "unit_price",
        "total",
        "currency",
        "payment_method",
        "accepted_terms",
        "created_at",
        "public_id",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("approve/<int:pk>/", admin_views.ApproveView.as_view(), name="approve"),
            path("reject/<int:pk>/", admin_views.RejectView.as_view(), name="reject"),
            path("extend/<int:pk>/", admin_views.ExtendView.as_view(), name="extend"),
            path("cancel/<int:pk>/", admin_views.CancelView.as_view(), name="cancel"),
        ]


class WaitlistIndexView(scope.ScopedIndexMixin, generic.IndexView):
    scope_event_path = "accepted_terms__event"


class WaitlistInspectView(scope.ScopedInspectMixin, generic.InspectView):
    scope_event_path = "accepted_terms__event"


class WaitlistViewSet(PledgesViewSet):
    model = WaitlistEntry
    index_view_class = WaitlistIndexView
    inspect_view_class = WaitlistInspectView
    name = "pledges_waitlist"
    url_prefix = "pledges-waiting-list"
    icon = "list-ul"
    menu_label = _("Waiting list")
    list_display = ["organisation", "package", "quantity", "status", "created_at", "offer"]
    list_filter = ["status", "package"]


# --- Terms: every save writes a new version -----------------------------------------------


class TermsCreateView(generic.CreateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # An organiser publishes terms for their own events only.
        form.fields["event"].queryset = scope.events_for(self.request.user)
        return form

    def save_instance(self):
        return publish_terms(
            self.form.cleaned_data["event"], self.form.cleaned_data["text"], self.request.user
        )


class TermsIndexView(scope.ScopedIndexMixin, generic.IndexView):
    pass


class TermsInspectView(scope.ScopedInspectMixin, generic.InspectView):
    pass


class TermsEditView(scope.ScopedObjectMixin, generic.EditView):
    """Saving edited terms publishes a new version; the old one stays as pledges accepted it."""

    def save_instance(self):
        with transaction.atomic():
            self.new_version = publish_terms(
                self.object.event, self.form.cleaned_data["text"], self.request.user
            )
        return self.new_version

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["event"].disabled = True  # a new version of the same event's terms
        return form

    def get_success_url(self):
        return reverse(self.index_url_name)


class EventTermsViewSet(ModelViewSet):
    model = EventTerms
    name = "event_terms"
    url_prefix = "event-terms"
    icon = "doc-full"
    menu_label = _("Event terms")
    index_view_class = TermsIndexView
    inspect_view_class = TermsInspectView
    add_view_class = TermsCreateView
    edit_view_class = TermsEditView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["event", "version", "published_at", "published_by"]
    list_filter = ["event"]
    panels = [FieldPanel("event"), FieldPanel("text")]


class SponsorMessageViewSet(PledgesViewSet):
    """Messages change by being sent ("Write to sponsors"), never in a form."""

    model = SponsorMessage
    name = "sponsor_messages"
    url_prefix = "sponsor-messages"
    icon = "mail"
    menu_label = _("Messages to sponsors")
    index_view_class = message_views.SponsorMessageIndexView
    inspect_view_class = message_views.SponsorMessageInspectView
    list_display = [
        "subject",
        Column("event", label=_("Event"), accessor="event.acronym", sort_key="event__acronym"),
        Column("package", label=_("Package"), accessor="package.title"),
        "recipients",
        "sent_by",
        "sent_at",
    ]
    list_filter = ["event"]
    search_fields = ["subject", "body"]
    search_backend_name = None

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("write/", message_views.WriteToSponsorsView.as_view(), name="write"),
        ]


class SponsorshipGroup(ModelViewSetGroup):
    menu_label = _("Sponsorship")
    menu_icon = "form"
    menu_order = 250
    items = (PledgeViewSet, WaitlistViewSet, EventTermsViewSet, SponsorMessageViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return SponsorshipGroup()


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    """Approvers: pledges awaiting a decision. Organisers: raised against target, holds ending."""
    user = request.user
    if user.has_perm(admin_views.DECIDE_PERMISSION):
        panels.append(dashboard.pledges_awaiting_decision(user))
    if is_organiser(user):
        panels += [dashboard.sponsorship_raised(user), dashboard.holds_ending(user)]
