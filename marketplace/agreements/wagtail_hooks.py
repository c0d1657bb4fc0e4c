"""The "Agreements" menu of the Wagtail admin: sponsorship agreements (listing filtered by state
and event; an agreement with its signatures, history, PDFs and actions), each event's agreement
policy, and the clauses (snippets) agreements are made of.

Organisers and approvers get these permissions from `setup.ensure_agreement_permissions`
(run by `ensure_roles`); organisers see only their own events' agreements and policies
(`events/scope.py`)."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from events import scope
from marketplace.agreements import admin_views
from marketplace.agreements.models import (
    Agreement,
    AgreementPolicy,
    AgreementState,
    PackageClause,
    StandardClause,
)
from marketplace.core.admin import ReadOnlyViewSet
from marketplace.core.dashboard import PANEL_ROWS, CountPanel, PanelRow


def _inspect_url(agreement) -> str:
    return reverse("agreements_admin:inspect", args=[agreement.pk])


class AgreementViewSet(ReadOnlyViewSet):
    """Listing and inspect only: agreements change through their actions, never a form."""

    model = Agreement
    name = "agreements_admin"
    url_prefix = "agreements"
    icon = "doc-full"
    menu_label = _("Agreements")
    add_to_reference_index = False
    index_view_class = admin_views.AgreementIndexView
    inspect_view_class = admin_views.AgreementInspectView
    filterset_class = admin_views.AgreementFilterSet
    search_fields = ["number", "pledge__reference", "pledge__organisation__display_name"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        TitleColumn("label", label=_("Agreement"), sort_key="number", get_url=_inspect_url),
        Column("sponsor", label=_("Sponsor"), accessor="pledge.organisation",
               sort_key="pledge__organisation__display_name"),
        Column("event", label=_("Event"), accessor="pledge.event.acronym",
               sort_key="pledge__event__acronym"),
        Column("package", label=_("Package"), accessor="pledge.package_title"),
        Column("status", label=_("State"), accessor="get_status_display", sort_key="status"),
        Column("sent_at", label=_("Sent"), sort_key="sent_at"),
        Column("sponsor_signed_at", label=_("Signed by sponsor"), sort_key="sponsor_signed_at"),
        Column("executed_at", label=_("Executed"), sort_key="executed_at"),
    ]  # fmt: skip
    inspect_view_fields = ["number", "version", "status", "pledge", "created_at", "sha256"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("pdf/<int:pk>/<str:kind>/", admin_views.agreement_pdf, name="pdf"),
            path("countersign/<int:pk>/", admin_views.CountersignView.as_view(),
                 name="countersign"),
            path("new-version/<int:pk>/", admin_views.NewVersionView.as_view(),
                 name="new_version"),
            path("void/<int:pk>/", admin_views.VoidView.as_view(), name="void"),
        ]  # fmt: skip


class PolicyIndexView(scope.ScopedIndexMixin, generic.IndexView):
    pass


class EventChoicesInScope:
    """The event field offers only the events the user works on."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["event"].queryset = scope.events_for(self.request.user)
        return form


class PolicyCreateView(EventChoicesInScope, generic.CreateView):
    pass


class PolicyEditView(scope.ScopedObjectMixin, EventChoicesInScope, generic.EditView):
    pass


class PolicyDeleteView(scope.ScopedObjectMixin, generic.DeleteView):
    pass


class AgreementPolicyViewSet(ModelViewSet):
    model = AgreementPolicy
    index_view_class = PolicyIndexView
    add_view_class = PolicyCreateView
    edit_view_class = PolicyEditView
    delete_view_class = PolicyDeleteView
    name = "agreement_policies"
    url_prefix = "agreement-policies"
    icon = "cog"
    menu_label = _("Policies per event")
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = ["event", "issue_on", "unsigned_reminder_days"]
    form_fields = ["event", "issue_on", "unsigned_reminder_days"]


class StandardClauseViewSet(SnippetViewSet):
    model = StandardClause
    icon = "doc-full-inverse"
    menu_label = _("Standard clauses")
    list_display = ["title", "order", "active"]
    list_filter = ["active"]
    ordering = ["order", "pk"]


class PackageClauseViewSet(SnippetViewSet):
    model = PackageClause
    icon = "doc-empty-inverse"
    menu_label = _("Package clauses")
    list_display = ["title", "package", "order", "active"]
    list_filter = ["active", "package"]
    ordering = ["package", "order", "pk"]


class AgreementsGroup(ModelViewSetGroup):
    menu_label = _("Agreements")
    menu_icon = "doc-full"
    menu_order = 255
    items = (AgreementViewSet, AgreementPolicyViewSet, StandardClauseViewSet, PackageClauseViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return AgreementsGroup()


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    """Approvers: agreements the sponsor signed, waiting for the countersignature."""
    if request.user.has_perm(admin_views.COUNTERSIGN_PERMISSION):
        panels.append(agreements_to_countersign(request.user))


def agreements_to_countersign(user) -> CountPanel:
    agreements = scope.scope_queryset(
        Agreement.objects.filter(status=AgreementState.SIGNED_BY_SPONSOR),
        user,
        "pledge__event",
    ).select_related("pledge", "pledge__organisation")
    count = agreements.count()
    rows = [
        PanelRow(
            label=f"{agreement.label} — {agreement.pledge.organisation.display_name}",
            url=_inspect_url(agreement),
            detail=gettext("signed by the sponsor %(date)s")
            % {"date": date_format(timezone.localtime(agreement.sponsor_signed_at), "DATE_FORMAT")}
            if agreement.sponsor_signed_at
            else "",
        )
        for agreement in agreements.order_by("sponsor_signed_at", "pk")[:PANEL_ROWS]
    ]
    return CountPanel(
        name="agreements-to-countersign",
        heading=gettext("Agreements to countersign"),
        count=count,
        rows=rows,
        listing_url=reverse("agreements_admin:index")
        + f"?status={AgreementState.SIGNED_BY_SPONSOR}",
        listing_label=gettext("All agreements signed by the sponsor"),
        empty_text=gettext(
            "Nothing to countersign. Agreements will appear here once their sponsor has signed."
        ),
        order=130,
    )
