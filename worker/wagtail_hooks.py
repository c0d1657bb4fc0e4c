"""Staff screens for background work, grouped under "Mail and tasks" in the Wagtail admin: the
mail log (filters by organisation, pledge, status), tasks that failed for good (with a retry
action) and the outbox. All read-only: these records change through services only."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup

from marketplace.core.admin import ReadOnlyViewSet
from worker import admin_views
from worker.models import FailedTask, MailLog, OutboxMessage


class BackgroundWorkViewSet(ReadOnlyViewSet):
    """A listing and an inspect view, and only the "view" permission to grant."""

    view_permissions_only = True


class MailLogViewSet(BackgroundWorkViewSet):
    model = MailLog
    name = "mail_log"
    url_prefix = "mail-log"
    icon = "mail"
    menu_label = _("Mail log")
    index_view_class = admin_views.MailLogIndexView
    list_display = [
        DateColumn("created_at", label=_("Created")),
        "to",
        "subject",
        Column("status", label=_("Status"), accessor="get_status_display"),
        "organisation",
        "pledge",
        "template",
        DateColumn("sent_at", label=_("Sent")),
        "attempts",
    ]
    list_filter = ["status", "source", "organisation", "pledge"]
    search_fields = ["to", "subject", "template", "message_id"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_fields = [
        "status",
        "to",
        "from_email",
        "reply_to",
        "subject",
        "template",
        "source",
        "language",
        "organisation",
        "pledge",
        "message_id",
        "attempts",
        "error",
        "created_at",
        "sent_at",
        "failed_at",
        "key",
        "attachments",
    ]
    inspect_template_name = "worker/admin/mail_log_inspect.html"


class FailedTaskViewSet(BackgroundWorkViewSet):
    model = FailedTask
    name = "failed_tasks"
    url_prefix = "failed-tasks"
    icon = "warning"
    menu_label = _("Failed tasks")
    inspect_view_class = admin_views.FailedTaskInspectView
    extra_permissions = ("retry_failedtask",)
    list_display = [
        "task_name",
        "exception",
        "retries",
        DateColumn("failed_at", label=_("Failed")),
        DateColumn("retried_at", label=_("Re-enqueued")),
        "task_id",
    ]
    list_filter = {"task_name": ["exact"], "retried_at": ["isnull"]}
    search_fields = ["task_name", "task_id", "exception"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_fields = [
        "task_name",
        "task_id",
        "args",
        "kwargs",
        "exception",
        "retries",
        "failed_at",
        "retried_at",
        "retried_by",
    ]
    inspect_template_name = "worker/admin/failed_task_inspect.html"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("retry/<int:pk>/", admin_views.RetryFailedTaskView.as_view(), name="retry"),
        ]


class OutboxViewSet(BackgroundWorkViewSet):
    model = OutboxMessage
    name = "outbox"
    url_prefix = "outbox"
    icon = "upload"
    menu_label = _("Outbox")
    list_display = [
        "task_name",
        "key",
        DateColumn("created_at", label=_("Created")),
        DateColumn("sent_at", label=_("Sent to the broker")),
        "attempts",
        "last_error",
    ]
    list_filter = {"sent_at": ["isnull"], "task_name": ["exact"]}
    search_fields = ["key", "task_name", "task_id"]
    search_backend_name = None
    list_per_page = 50


class BackgroundWorkGroup(ModelViewSetGroup):
    menu_label = _("Mail and tasks")
    menu_icon = "mail"
    menu_order = 850
    items = (MailLogViewSet, FailedTaskViewSet, OutboxViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return BackgroundWorkGroup()
