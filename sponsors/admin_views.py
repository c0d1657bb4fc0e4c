"""Staff screens for sponsor organisations in the Wagtail admin: the listing with its
due-diligence filter, the detail page with contacts, team and decisions, and the clear and
decline actions (each with a required reason, emailed to the primary contact).

Organisers see the organisations that pledged to their events, and of their mail only what
concerns those events (`events/scope.py`); clearing and declining is the approvers' alone."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from events import scope
from sponsors.models import Clearance, Organisation
from sponsors.services import OrganisationError, decide_clearance

DECIDE_PERMISSION = "sponsors.decide_clearance"


class OrganisationPermissionPolicy(ModelPermissionPolicy):
    """Organisations are created by sponsors (or `create_sponsor`) and never deleted from the
    admin, which would take their pledges with them: only view and change are granted here."""

    def user_has_permission(self, user, action):
        if action in {"add", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# An organisation belongs to an organiser's scope through its pledges to their events.
ORGANISATION_EVENT_PATH = "pledges__event"


class OrganisationIndexView(scope.ScopedIndexMixin, generic.IndexView):
    scope_event_path = ORGANISATION_EVENT_PATH

    def get_edit_url(self, instance):
        # The title opens the detail page (with the decisions), not the edit form.
        return None


class OrganisationEditView(scope.ScopedObjectMixin, generic.EditView):
    scope_event_path = ORGANISATION_EVENT_PATH


class OrganisationInspectView(scope.ScopedInspectMixin, generic.InspectView):
    template_name = "sponsors/admin/organisation_inspect.html"
    scope_event_path = ORGANISATION_EVENT_PATH

    def get_header_buttons(self):
        buttons = list(super().get_header_buttons())
        if self.request.user.has_perm(DECIDE_PERMISSION):
            pk = self.object.pk
            if self.object.clearance != Clearance.CLEARED:
                buttons.append(
                    HeaderButton(
                        _("Clear"),
                        url=reverse("sponsor_organisations:clear", args=[pk]),
                        icon_name="check",
                    )
                )
            if self.object.clearance != Clearance.DECLINED:
                buttons.append(
                    HeaderButton(
                        _("Decline"),
                        url=reverse("sponsor_organisations:decline", args=[pk]),
                        icon_name="cross",
                    )
                )
        return buttons

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if value is None or value == "":
            return "—"
        return value

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        context.update(
            organisation=organisation,
            contacts=organisation.contacts.all(),
            memberships=organisation.memberships.select_related("user"),
            decisions=organisation.clearance_decisions.select_related("decided_by"),
            can_decide=self.request.user.has_perm(DECIDE_PERMISSION),
            mail_pledges=self.mail_pledges(),
        )
        return context

    def mail_pledges(self):
        """None when the user sees all the organisation's mail; otherwise its pledges to the
        user's events, whose mail (and the organisation's own) is all they see."""
        if scope.sees_all_events(self.request.user):
            return None
        return scope.scope_queryset(self.object.pledges.all(), self.request.user)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Emailed to the organisation's primary contact and kept in the "
                               "organisation's history."),
    )  # fmt: skip


class DecideClearanceView(WagtailAdminTemplateMixin, FormView):
    """Clear or decline an organisation, with a reason."""

    decision = Clearance.CLEARED
    form_class = DecisionForm
    template_name = "sponsors/admin/decide.html"
    header_icon = "group"

    def dispatch(self, request, pk):
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        self.organisation = scope.get_in_scope_or_404(
            Organisation.objects.all(), request.user, ORGANISATION_EVENT_PATH, pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        if self.decision == Clearance.CLEARED:
            return _("Clear %(name)s") % {"name": self.organisation.display_name}
        return _("Decline %(name)s") % {"name": self.organisation.display_name}

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("sponsor_organisations:index"), "label": _("Organisations")},
            {
                "url": reverse("sponsor_organisations:inspect", args=[self.organisation.pk]),
                "label": self.organisation.display_name,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation, decision=self.decision, **kwargs
        )

    def form_valid(self, form):
        try:
            decide_clearance(
                self.organisation, self.request.user, self.decision, form.cleaned_data["reason"]
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if self.decision == Clearance.CLEARED:
            message = _("%(name)s is cleared; its primary contact is being told.")
        else:
            message = _("%(name)s is declined; its primary contact is being told.")
        messages.success(self.request, message % {"name": self.organisation.display_name})
        return redirect("sponsor_organisations:inspect", self.organisation.pk)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
