"""Staff agreement screens in the Wagtail admin: the listing (filters by state and event), an
agreement with its signatures and history, its PDFs, and the actions — countersign, issue a new
version, void — each a form, then a service; a refusal shows on the form and changes nothing.

Organisers see their own events' agreements only (`events/scope.py`; another event's is a 404);
countersigning and reissuing need permissions approvers hold and organisers do not."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from events import scope
from events.models import EventPage
from marketplace.agreements import services, signing
from marketplace.agreements.errors import AgreementError
from marketplace.agreements.forms import CountersignForm, OptionalReasonForm, ReasonForm
from marketplace.agreements.models import Agreement
from marketplace.agreements.states import REPLACEABLE_STATES, AgreementState
from marketplace.agreements.views import pdf_response
from marketplace.core.admin import AdminActionView
from marketplace.core.client import client_ip

VIEW_PERMISSION = "agreements.view_agreement"
COUNTERSIGN_PERMISSION = signing.COUNTERSIGN_PERMISSION
REISSUE_PERMISSION = "agreements.reissue_agreement"


class AgreementFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("State"), choices=AgreementState.choices
    )
    event = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Event"),
        field_name="pledge__event",
        queryset=EventPage.objects.order_by("-start_date", "title"),
    )

    class Meta:
        model = Agreement
        fields = ["status", "event"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["event"].queryset = scope.events_for(request.user).order_by(
                "-start_date", "title"
            )


class AgreementIndexView(scope.ScopedIndexMixin, generic.IndexView):
    scope_event_path = "pledge__event"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("pledge", "pledge__event", "pledge__organisation")
            .defer("content")
        )

    def get_edit_url(self, instance):
        return reverse("agreements_admin:inspect", args=[instance.pk])


def available_actions(agreement, user, newest: bool | None = None) -> list[tuple[str, str]]:
    """(url name, label) of the actions the agreement's state and the user's rights allow.
    `newest`: whether it is its pledge's latest version, when the caller knows (else queried)."""
    actions = []
    if agreement.status == AgreementState.SIGNED_BY_SPONSOR and user.has_perm(
        COUNTERSIGN_PERMISSION
    ):
        actions.append(("countersign", _("Countersign")))
    if user.has_perm(REISSUE_PERMISSION):
        if newest is None:
            newest = not Agreement.objects.filter(
                pledge_id=agreement.pledge_id, version__gt=agreement.version
            ).exists()
        if newest and agreement.status in (*REPLACEABLE_STATES, AgreementState.VOID):
            actions.append(("new_version", _("Issue a new version")))
        if agreement.status in REPLACEABLE_STATES:
            actions.append(("void", _("Void")))
    return actions


class AgreementInspectView(scope.ScopedInspectMixin, generic.InspectView):
    template_name = "agreements/admin/inspect.html"
    scope_event_path = "pledge__event"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    @property
    def header_more_buttons(self):
        return [
            Button(
                label, url=reverse(f"agreements_admin:{name}", args=[self.object.pk]), priority=i
            )
            for i, (name, label) in enumerate(available_actions(self.object, self.request.user))
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        context.update(
            agreement=agreement,
            c=agreement.content,
            signatures=list(agreement.signatures.select_related("user")),
            history=agreement.history.select_related("actor"),
            versions=Agreement.objects.filter(pledge_id=agreement.pledge_id).order_by("version"),
            reminders=list(agreement.reminders.all()),
            actions=[
                (reverse(f"agreements_admin:{name}", args=[agreement.pk]), label)
                for name, label in available_actions(agreement, self.request.user)
            ],
        )
        return context


def agreement_pdf(request, pk, kind):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    agreement = scope.get_in_scope_or_404(
        Agreement.objects.all(), request.user, "pledge__event", pk=pk
    )
    executed = kind == "executed"
    field = agreement.executed_pdf if executed else agreement.pdf
    if not field:
        raise Http404
    suffix = "-executed" if executed else ""
    return pdf_response(
        services.pdf_bytes(agreement, executed=executed), f"{agreement.file_stem}{suffix}.pdf"
    )


class AgreementActionView(AdminActionView):
    """One organiser action on an agreement (see the module's docstring and
    `marketplace.core.admin.AdminActionView`)."""

    template_name = "agreements/admin/action.html"
    header_icon = "doc-full"
    domain_errors = (AgreementError,)
    form_class = OptionalReasonForm

    def load(self, pk):
        self.agreement = scope.get_in_scope_or_404(
            Agreement.objects.select_related("pledge", "pledge__organisation", "pledge__event"),
            self.request.user,
            "pledge__event",
            pk=pk,
        )

    def get_page_subtitle(self):
        return self.agreement.label

    @property
    def inspect_url(self):
        return reverse("agreements_admin:inspect", args=[self.agreement.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("agreements_admin:index"), "label": _("Agreements")},
            {"url": self.inspect_url, "label": self.agreement.label},
            {"url": "", "label": self.action_label},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            agreement=self.agreement,
            c=self.agreement.content,
            action_label=self.action_label,
            cancel_url=self.inspect_url,
        )
        return context

    def get_success_message_context(self):
        return {"label": self.agreement.label}

    def get_success_url(self):
        return self.inspect_url


class CountersignView(AgreementActionView):
    permission = COUNTERSIGN_PERMISSION
    action_label = gettext_lazy("Countersign")
    success_message = gettext_lazy(
        "%(label)s is executed; the executed copy goes to both sides and into the register."
    )
    form_class = CountersignForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["confirm_label"] = _(
            "I have read agreement %(label)s, checked the sponsor's signature, and countersign it "
            "on behalf of the organisers."
        ) % {"label": self.agreement.label}
        return kwargs

    def get_initial(self):
        return {"full_name": self.request.user.get_full_name()}

    def perform(self, data):
        signing.countersign(
            self.agreement,
            user=self.request.user,
            full_name=data["full_name"],
            title=data["title"],
            confirmed=data["confirm"],
            ip_address=client_ip(self.request),
            user_agent=self.request.META.get("HTTP_USER_AGENT", ""),
        )


class NewVersionView(AgreementActionView):
    permission = REISSUE_PERMISSION
    action_label = gettext_lazy("Issue a new version")
    success_message = gettext_lazy(
        "%(label)s is void; the new version is being rendered and will be emailed to the "
        "sponsor's signatory."
    )

    def perform(self, data):
        services.issue_new_version(self.agreement, actor=self.request.user, reason=data["reason"])


class VoidView(AgreementActionView):
    permission = REISSUE_PERMISSION
    action_label = gettext_lazy("Void")
    success_message = gettext_lazy("%(label)s is void.")
    form_class = ReasonForm

    def perform(self, data):
        services.void_agreement(self.agreement, actor=self.request.user, reason=data["reason"])
