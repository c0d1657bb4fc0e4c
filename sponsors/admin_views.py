"""Staff screens for sponsor organisations in the Wagtail admin: the listing with its
due-diligence filter, the detail page with contacts, team, screening matches and decisions,
the approve / approve with reservation / decline actions (each with the exclusion criteria
checked and a required reason, emailed to the primary contact) and the review of a sanctions
screening match.

Organisers see the organisations that pledged to their events, and of their mail only what
concerns those events (`events/scope.py`); decisions and reviews are the approvers' alone."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from events import scope
from marketplace.core.story import TimelineEntry, merged_timeline
from sponsors.hooks import ORGANISATION_STORY
from sponsors.models import (
    APPROVED_CLEARANCES,
    Clearance,
    ExclusionCriterion,
    Organisation,
    ScreeningMatch,
    ScreeningOutcome,
)
from sponsors.services import OrganisationError, decide_clearance, review_match

DECIDE_PERMISSION = "sponsors.decide_clearance"
REVIEW_SCREENING_PERMISSION = "sponsors.review_screeningmatch"


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
            blocked = self.object.screening_matches.filter(outcome=ScreeningOutcome.OPEN).exists()
            if not blocked:
                if self.object.clearance != Clearance.CLEARED:
                    buttons.append(
                        HeaderButton(
                            _("Approve"),
                            url=reverse("sponsor_organisations:clear", args=[pk]),
                            icon_name="check",
                        )
                    )
                if self.object.clearance != Clearance.RESERVED:
                    buttons.append(
                        HeaderButton(
                            _("Approve with reservation"),
                            url=reverse("sponsor_organisations:reserve", args=[pk]),
                            icon_name="warning",
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
            screening_matches=organisation.screening_matches.select_related("entry", "reviewed_by"),
            open_matches=organisation.screening_matches.filter(
                outcome=ScreeningOutcome.OPEN
            ).count(),
            can_review_screening=self.request.user.has_perm(REVIEW_SCREENING_PERMISSION),
            mail_pledges=self.mail_pledges(),
            **self.story(),
        )
        return context

    def story(self) -> dict:
        """The sections the apps above add (`sponsors.hooks.ORGANISATION_STORY`: its pledges
        with their money, agreements and tasks; the register's agreements) and one timeline of
        their audit entries with the due-diligence decisions."""
        sections = ORGANISATION_STORY.collect(self.object, user=self.request.user)
        decisions = [
            TimelineEntry(
                at=decision.decided_at,
                subject=_("Due diligence"),
                to_label=decision.get_decision_display(),
                actor=decision.decided_by,
                reason=decision.reason,
            )
            for decision in self.object.clearance_decisions.select_related("decided_by")
        ]
        return {
            "sections": sections,
            "timeline": merged_timeline(decisions, *(section.timeline for section in sections)),
        }

    def mail_pledges(self):
        """None when the user sees all the organisation's mail; otherwise its pledges to the
        user's events, whose mail (and the organisation's own) is all they see."""
        if scope.sees_all_events(self.request.user):
            return None
        return scope.scope_queryset(self.object.pledges.all(), self.request.user)


class DecisionForm(forms.Form):
    criteria = forms.MultipleChoiceField(
        label=gettext_lazy("Exclusion criteria checked"),
        choices=ExclusionCriterion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Tick each criterion you checked. Approving needs every "
                               "criterion but “Other concerns”."),
    )  # fmt: skip
    reservation = forms.CharField(
        label=gettext_lazy("Reservation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("What the organisation's sponsorship is approved on condition "
                               "of, or limited to."),
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Emailed to the organisation's primary contact and kept in the "
                               "organisation's history."),
    )  # fmt: skip

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        if decision != Clearance.RESERVED:
            del self.fields["reservation"]
        else:
            self.fields["reservation"].required = True

    def clean_criteria(self):
        criteria = self.cleaned_data["criteria"]
        if self.decision in APPROVED_CLEARANCES:
            missing = [
                c.label
                for c in ExclusionCriterion
                if c != ExclusionCriterion.OTHER and c.value not in criteria
            ]
            if missing:
                raise forms.ValidationError(
                    _("Check every exclusion criterion before approving; not checked: "
                      "%(missing)s.") % {"missing": ", ".join(str(m) for m in missing)}
                )  # fmt: skip
        return criteria


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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "decision": self.decision}

    def get_page_title(self):
        titles = {
            Clearance.CLEARED: _("Approve %(name)s"),
            Clearance.RESERVED: _("Approve %(name)s with a reservation"),
            Clearance.DECLINED: _("Decline %(name)s"),
        }
        return titles[self.decision] % {"name": self.organisation.display_name}

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
                self.organisation,
                self.request.user,
                self.decision,
                form.cleaned_data["reason"],
                criteria=form.cleaned_data["criteria"],
                reservation=form.cleaned_data.get("reservation", ""),
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if self.decision == Clearance.CLEARED:
            message = _("%(name)s is approved; its primary contact is being told.")
        elif self.decision == Clearance.RESERVED:
            message = _(
                "%(name)s is approved with a reservation; its primary contact is being told."
            )
        else:
            message = _("%(name)s is declined; its primary contact is being told.")
        messages.success(self.request, message % {"name": self.organisation.display_name})
        return redirect("sponsor_organisations:inspect", self.organisation.pk)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (ScreeningOutcome.FALSE_POSITIVE, gettext_lazy("False positive: not the listed party")),
            (ScreeningOutcome.TRUE_MATCH, gettext_lazy("True match: decline the organisation")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What you compared (dates of birth, addresses, registration "
                               "numbers…). Kept with the match; never sent to the sponsor."),
    )  # fmt: skip


class ReviewScreeningMatchView(WagtailAdminTemplateMixin, FormView):
    """An approver decides whether a screening match is the listed party."""

    form_class = ReviewForm
    template_name = "sponsors/admin/review_match.html"
    header_icon = "warning"

    def dispatch(self, request, pk):
        if not request.user.has_perm(REVIEW_SCREENING_PERMISSION):
            raise PermissionDenied
        self.match = get_object_or_404(
            ScreeningMatch.objects.select_related("organisation", "entry"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Review a sanctions screening match")

    def get_page_subtitle(self):
        return self.match.organisation.display_name

    def get_breadcrumbs_items(self):
        organisation = self.match.organisation
        return [
            {"url": reverse("sponsor_organisations:index"), "label": _("Organisations")},
            {
                "url": reverse("sponsor_organisations:inspect", args=[organisation.pk]),
                "label": organisation.display_name,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(match=self.match, entry=self.match.entry, **kwargs)

    def form_valid(self, form):
        try:
            review_match(
                self.match,
                self.request.user,
                form.cleaned_data["outcome"],
                form.cleaned_data["reason"],
            )
        except OrganisationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        if form.cleaned_data["outcome"] == ScreeningOutcome.TRUE_MATCH:
            message = _("Recorded as a true match: %(name)s is declined.")
        else:
            message = _("Recorded as a false positive for %(name)s.")
        messages.success(self.request, message % {"name": self.match.organisation.display_name})
        return redirect("sponsor_organisations:inspect", self.match.organisation_id)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
