"""Staff views of pledges in the Wagtail admin: the pledges listing and CSV export, a pledge with
its history, and the approve / reject / extend / cancel actions (each a form, then a service).

Organisers see the pledges of their own events only (`events/scope.py`; another event's pledge
is a 404); deciding needs `pledges.decide_pledge`, which approvers hold and organisers do not."""

import datetime

import django_filters
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from events import scope
from events.models import EventPage, SponsorshipPackagePage
from marketplace.core.admin import AdminActionView
from marketplace.pledges import services
from marketplace.pledges.errors import PledgeError
from marketplace.pledges.forms import ExtendHoldForm, OptionalReasonForm, ReasonForm
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import EXPIRING_STATES, InvalidTransition, PledgeState
from marketplace.pledges.story import pledge_story
from sponsors.models import Organisation

DECIDE_PERMISSION = "pledges.decide_pledge"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """A cell a spreadsheet would run as a formula gets a leading apostrophe, so it reads as
    text (CSV injection). Numbers and dates are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class PledgeFilterSet(WagtailFilterSet):
    """The listing's filters, offering only the events, packages and sponsors of the pledges
    the user may see (another event's sponsors are not listed even by name)."""

    status = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=PledgeState.choices)
    event = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Event"), queryset=EventPage.objects.none()
    )
    package = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Package"), queryset=SponsorshipPackagePage.objects.none()
    )
    organisation = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Sponsor"), queryset=Organisation.objects.none()
    )

    class Meta:
        model = Pledge
        fields = ["status", "event", "package", "organisation"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        visible = scope.scope_queryset(Pledge.objects.all(), user)
        self.filters["event"].queryset = scope.events_for(user).order_by("-start_date", "title")
        self.filters["package"].queryset = SponsorshipPackagePage.objects.filter(
            pk__in=visible.values("package_id")
        ).order_by("title")
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=visible.values("organisation_id")
        ).order_by("display_name")


class PledgeIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("organisation", "event")
        return scope.scope_queryset(queryset, self.request.user)

    def get_edit_url(self, instance):
        return None  # a pledge changes only through its actions

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        return {field: neutralise_formula(value) for field, value in row.items()}

    def write_csv_row(self, writer, row_dict):
        cells = {
            field: neutralise_formula(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        }
        return writer.writerow(cells)


def available_actions(pledge) -> list[tuple[str, str]]:
    """(url name, label) of the actions the pledge's state allows."""
    actions = []
    if pledge.status == PledgeState.AWAITING_APPROVAL:
        actions.append(("approve", _("Approve")))
    if pledge.status in EXPIRING_STATES:
        actions += [
            ("reject", _("Reject")),
            ("extend", _("Extend hold")),
            ("cancel", _("Cancel")),
        ]
    return actions


def _as_date(value) -> datetime.date | None:
    """A snapshot's ISO date (benefits are frozen as JSON), for formatting; None if absent."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


class PledgeInspectView(scope.ScopedInspectMixin, generic.InspectView):
    """A pledge's whole story (`marketplace/pledges/story.py`): its facts, the sections the
    apps above contribute, one timeline and the mail sent; only the actions allowed now."""

    template_name = "pledges/admin/inspect.html"

    def get_object(self, queryset=None):
        return scope.get_in_scope_or_404(
            Pledge.objects.select_related("organisation", "event", "created_by", "accepted_terms"),
            self.request.user,
            pk=unquote(str(self.pk)),
        )

    def get_fields(self):
        return []  # the template lays the pledge's facts out itself, formatted

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def decisions(self) -> list[tuple[str, str]]:
        if not self.request.user.has_perm(DECIDE_PERMISSION):
            return []
        return [
            (reverse(f"pledges_admin:{name}", args=[self.object.pk]), label)
            for name, label in available_actions(self.object)
        ]

    @property
    def header_more_buttons(self):
        return [
            Button(label, url=url, priority=i) for i, (url, label) in enumerate(self.decisions())
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledge = self.object
        context.update(
            pledge=pledge,
            organisation_url=reverse(
                "sponsor_organisations:inspect", args=[pledge.organisation_id]
            ),
            benefits=[{**row, "due": _as_date(row.get("due_date"))} for row in pledge.benefit_rows],
            actions=self.decisions(),
            **pledge_story(pledge, self.request.user),
        )
        return context


class PledgeActionView(AdminActionView):
    """One approver decision on a pledge (`marketplace.core.admin.AdminActionView`): a form,
    then the service; a refusal is shown on the form and changes nothing."""

    template_name = "pledges/admin/action.html"
    permission = DECIDE_PERMISSION
    domain_errors = (PledgeError, InvalidTransition)
    form_class = OptionalReasonForm

    def load(self, pk):
        self.pledge = scope.get_in_scope_or_404(
            Pledge.objects.select_related("organisation", "event"), self.request.user, pk=pk
        )

    def get_page_subtitle(self):
        return self.pledge.reference

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("pledges_admin:index"), "label": _("Pledges")},
            {"url": self.inspect_url, "label": self.pledge.reference},
            {"url": "", "label": self.action_label},
        ]

    @property
    def inspect_url(self):
        return reverse("pledges_admin:inspect", args=[self.pledge.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            pledge=self.pledge, action_label=self.action_label, cancel_url=self.inspect_url
        )
        return context

    def error_message(self, error) -> str:
        return str(error)

    def get_success_message_context(self):
        return {"reference": self.pledge.reference}

    def get_success_url(self):
        return self.inspect_url


class ApproveView(PledgeActionView):
    action_label = gettext_lazy("Approve")
    success_message = gettext_lazy("Pledge %(reference)s approved; the sponsor was emailed.")

    def perform(self, data):
        services.approve(self.pledge, actor=self.request.user, reason=data["reason"])


class RejectView(PledgeActionView):
    action_label = gettext_lazy("Reject")
    success_message = gettext_lazy("Pledge %(reference)s rejected; the sponsor was emailed.")
    form_class = ReasonForm

    def perform(self, data):
        services.reject(self.pledge, actor=self.request.user, reason=data["reason"])


class CancelView(PledgeActionView):
    action_label = gettext_lazy("Cancel")
    success_message = gettext_lazy("Pledge %(reference)s cancelled; the sponsor was emailed.")

    def perform(self, data):
        services.cancel(self.pledge, actor=self.request.user, reason=data["reason"])


class ExtendView(PledgeActionView):
    action_label = gettext_lazy("Extend hold")
    success_message = gettext_lazy("Hold of pledge %(reference)s extended.")
    form_class = ExtendHoldForm

    def get_initial(self):
        current = self.pledge.expires_at or timezone.now()
        return {"until": timezone.localtime(current + datetime.timedelta(days=1))}

    def perform(self, data):
        services.extend_hold(
            self.pledge, actor=self.request.user, until=data["until"], reason=data["reason"]
        )
