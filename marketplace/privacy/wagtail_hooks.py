"""Erasure requests in the Wagtail admin (their own menu item), readable and executable by the
Support group (`marketplace/privacy/permissions.py`) and superusers."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn

from marketplace.core.admin import ReadOnlyViewSet
from marketplace.privacy import admin_views
from marketplace.privacy.models import ErasureRequest


class ErasureRequestViewSet(ReadOnlyViewSet):
    model = ErasureRequest
    name = "erasure_requests"
    url_prefix = "erasure-requests"
    icon = "user"
    menu_label = _("Erasure requests")
    menu_order = 860
    add_to_admin_menu = True
    index_view_class = admin_views.ErasureRequestIndexView
    inspect_view_class = admin_views.ErasureRequestInspectView
    view_permissions_only = True
    extra_permissions = ("execute_erasurerequest",)
    list_display = [
        DateColumn("requested_at", label=_("Requested")),
        "person",
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("executed_at", label=_("Executed")),
        "executed_by",
    ]
    list_filter = ["status"]
    search_fields = ["person__email", "person__username"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_fields = [
        "person",
        "status",
        "reason",
        "requested_by",
        "requested_at",
        "open_obligations",
        "executed_by",
        "executed_at",
        "anonymised",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("execute/<int:pk>/", admin_views.ExecuteErasureView.as_view(), name="execute"),
        ]


@hooks.register("register_admin_viewset")
def register_viewsets():
    return ErasureRequestViewSet()
