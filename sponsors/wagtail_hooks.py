"""The "Organisations" section of the Wagtail admin (see `sponsors/admin_views.py`)."""

from django.contrib.auth.models import Permission
from django.db import models
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from sponsors.admin_views import (
    DecideClearanceView,
    OrganisationEditView,
    OrganisationIndexView,
    OrganisationInspectView,
    OrganisationPermissionPolicy,
)
from sponsors.models import Clearance, Organisation


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
                "decline/<int:pk>/",
                DecideClearanceView.as_view(decision=Clearance.DECLINED),
                name="decline",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet()


@hooks.register("register_permissions")
def register_decide_clearance_permission():
    return Permission.objects.filter(
        content_type__app_label="sponsors", codename="decide_clearance"
    )
