"""The "Organisations" section of the Wagtail admin (see `sponsors/admin_views.py`)."""

from django.contrib.auth.models import Permission
from django.db import models
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from marketplace.core.dashboard import PANEL_ROWS, CountPanel, PanelRow
from sponsors.admin_views import (
    DecideClearanceView,
    OrganisationEditView,
    OrganisationIndexView,
    OrganisationInspectView,
    OrganisationPermissionPolicy,
    ReviewScreeningMatchView,
)
from sponsors.models import (
    Clearance,
    Organisation,
    SanctionsEntry,
    ScreeningMatch,
    ScreeningOutcome,
)


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "sponsor_organisations"
    url_prefix = "organisations"
    menu_label = _("Organisations")
    icon = "group"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = OrganisationIndexView
    edit_view_class = OrganisationEditView
    inspect_view_class = OrganisationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = ["display_name"]
    list_display = [
        "display_name",
        "legal_name",
        Column("category", label=_("Category"), accessor="get_category_display"),
        Column("country", label=_("Country"), accessor="country.name"),
        Column("clearance", label=_("Due diligence"), accessor="get_clearance_display"),
        DateColumn("created_at", label=_("Registered")),
    ]
    list_filter = ["clearance", "category"]
    search_fields = ["display_name", "legal_name", "tax_id"]
    search_backend_name = None
    form_fields = [
        "legal_name",
        "display_name",
        "country",
        "category",
        "website",
        "billing_address",
        "tax_id",
    ]
    inspect_view_fields = [
        "legal_name",
        "display_name",
        "country",
        "category",
        "website",
        "billing_address",
        "tax_id",
        "declares_no_excluded_activities",
        "accepts_global_compact",
        "declared_at",
        "clearance",
        "clearance_reason",
        "cleared_by",
        "cleared_at",
        "created_at",
    ]

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, **kwargs)

    @property
    def permission_policy(self):
        return OrganisationPermissionPolicy(self.model)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "clear/<int:pk>/",
                DecideClearanceView.as_view(decision=Clearance.CLEARED),
                name="clear",
            ),
            path(
                "reserve/<int:pk>/",
                DecideClearanceView.as_view(decision=Clearance.RESERVED),
                name="reserve",
            ),
            path(
                "decline/<int:pk>/",
                DecideClearanceView.as_view(decision=Clearance.DECLINED),
                name="decline",
            ),
            path(
                "screening/<int:pk>/review/",
                ReviewScreeningMatchView.as_view(),
                name="review_match",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet()


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Screening rows are written by the screening and reviewed through their own action;
    nobody adds, edits or deletes them in a form."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ScreeningMatchViewSet(ModelViewSet):
    model = ScreeningMatch
    name = "screening_matches"
    url_prefix = "screening-matches"
    menu_label = _("Sanctions screening")
    icon = "warning"
    menu_order = 251
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = ["outcome", "-found_at"]
    list_display = [
        DateColumn("found_at", label=_("Found")),
        Column("organisation", label=_("Organisation"), accessor="organisation"),
        Column("subject_name", label=_("Screened name")),
        Column("matched_name", label=_("Listed name")),
        Column("score", label=_("Similarity")),
        Column("outcome", label=_("Outcome"), accessor="get_outcome_display"),
    ]
    list_filter = ["outcome", "subject", "source"]
    form_fields = ["review_reason"]  # never shown: the policy allows no add or edit
    search_fields = ["subject_name", "matched_name", "organisation__legal_name"]
    search_backend_name = None
    inspect_view_fields = [
        "organisation",
        "subject",
        "subject_name",
        "entry",
        "matched_name",
        "score",
        "source",
        "found_at",
        "outcome",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
    ]

    @property
    def permission_policy(self):
        return ReadOnlyPolicy(self.model)

    def get_queryset(self, request):
        return ScreeningMatch.objects.select_related("organisation", "entry")


class SanctionsEntryViewSet(ModelViewSet):
    model = SanctionsEntry
    name = "sanctions_entries"
    url_prefix = "sanctions-list"
    menu_label = _("Sanctions list")
    icon = "list-ul"
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        "name",
        Column("reference_number", label=_("Reference")),
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("list_type", label=_("Regime")),
        DateColumn("listed_on", label=_("Listed on")),
        DateColumn("delisted_at", label=_("Delisted")),
    ]
    list_filter = ["kind", "list_type"]
    form_fields = ["name"]  # never shown: the policy allows no add or edit
    search_fields = ["name", "reference_number", "original_script_name"]
    search_backend_name = None
    inspect_view_fields = [
        "data_id",
        "reference_number",
        "kind",
        "name",
        "original_script_name",
        "aliases",
        "list_type",
        "listed_on",
        "list_generated_at",
        "delisted_at",
    ]

    @property
    def permission_policy(self):
        return ReadOnlyPolicy(self.model)


@hooks.register("register_admin_viewset")
def register_screening_viewsets():
    return [ScreeningMatchViewSet(), SanctionsEntryViewSet()]


@hooks.register("register_permissions")
def register_decide_clearance_permission():
    return Permission.objects.filter(
        content_type__app_label="sponsors",
        codename__in=[
            "decide_clearance",
            "review_screeningmatch",
            "view_screeningmatch",
            "view_sanctionsentry",
        ],
    )


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    """Approvers: the organisations whose due diligence waits for a decision."""
    if request.user.has_perm("sponsors.decide_clearance"):
        panels.append(organisations_awaiting_clearance(request.user))


def organisations_awaiting_clearance(user) -> CountPanel:
    pending = Organisation.objects.filter(clearance=Clearance.PENDING)
    count = pending.count()
    flagged = set(
        ScreeningMatch.objects.filter(
            organisation__in=pending.order_by("created_at", "pk")[:PANEL_ROWS].values("pk"),
            outcome=ScreeningOutcome.OPEN,
        ).values_list("organisation_id", flat=True)
    )
    rows = [
        PanelRow(
            label=organisation.display_name,
            url=reverse("sponsor_organisations:inspect", args=[organisation.pk]),
            detail=gettext("possible sanctions match to review")
            if organisation.pk in flagged
            else gettext("registered %(date)s")
            % {"date": date_format(organisation.created_at, "DATE_FORMAT")},
            urgent=organisation.pk in flagged,
        )
        for organisation in pending.order_by("created_at", "pk")[:PANEL_ROWS]
    ]
    return CountPanel(
        name="organisations-awaiting-clearance",
        heading=gettext("Organisations awaiting clearance"),
        count=count,
        rows=rows,
        listing_url=reverse("sponsor_organisations:index") + f"?clearance={Clearance.PENDING}",
        listing_label=gettext("All organisations pending review"),
        empty_text=gettext(
            "No organisation waits for due diligence. Sponsors who register will appear "
            "here until an approver clears or declines them."
        ),
        order=120,
    )
