"""Benefit fulfilment in the Wagtail admin: a "Fulfilment" menu item (for people who may see
benefit tasks) and its screens (see `admin_views.py`)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from events.dashboard import is_organiser
from marketplace.fulfilment import admin_delegates, admin_views, dashboard

admin_urlpatterns = [
    path("", admin_views.EventsView.as_view(), name="index"),
    path("board/", admin_views.BoardView.as_view(), name="board_all"),
    path("board/bulk/", admin_views.BulkView.as_view(), name="bulk"),
    path("event/<int:event_id>/", admin_views.BoardView.as_view(), name="board"),
    path(
        "event/<int:event_id>/delegates.csv",
        admin_delegates.DelegatesCsvView.as_view(),
        name="delegates_csv",
    ),
    path("task/<int:pk>/", admin_views.TaskView.as_view(), name="task"),
    path("task/<int:pk>/start/", admin_views.StartView.as_view(), name="start"),
    path("task/<int:pk>/deliver/", admin_views.DeliverView.as_view(), name="deliver"),
    path("task/<int:pk>/waive/", admin_views.WaiveView.as_view(), name="waive"),
    path("task/<int:pk>/assign/", admin_views.AssignView.as_view(), name="assign"),
    path("task/<int:pk>/remind/", admin_views.RemindSponsorView.as_view(), name="remind"),
    path("task/<int:pk>/asset/", admin_views.FileView.as_view(), {"which": "asset"}, name="asset"),
    path("task/<int:pk>/proof/", admin_views.FileView.as_view(), {"which": "proof"}, name="proof"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("fulfilment/", include((admin_urlpatterns, "fulfilment_admin")))]


class FulfilmentMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return FulfilmentMenuItem(
        _("Fulfilment"), reverse("fulfilment_admin:index"), icon_name="tasks", order=260
    )


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    """Organisers: sponsor material missing, tasks due and overdue (their events only)."""
    user = request.user
    if is_organiser(user) and user.has_perm(admin_views.VIEW_PERMISSION):
        panels += [dashboard.assets_missing(user), dashboard.tasks_due(user)]
