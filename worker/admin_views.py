"""Admin views for background work: the mail-log listing, a failed task and its retry action."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from worker.failures import AlreadyRetried, retry_failed_task
from worker.models import FailedTask

RETRY_PERMISSION = "worker.retry_failedtask"


class MailLogIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organisation", "pledge")

    def get_edit_url(self, instance):
        return None


class FailedTaskInspectView(generic.InspectView):
    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_header_buttons(self):
        buttons = list(super().get_header_buttons())
        if self.object.retried_at is None and self.request.user.has_perm(RETRY_PERMISSION):
            buttons.append(
                HeaderButton(
                    _("Retry"),
                    url=reverse("failed_tasks:retry", args=[self.object.pk]),
                    icon_name="rotate",
                )
            )
        return buttons


class RetryFailedTaskView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then enqueue the failed task again with the same arguments (once per record)."""

    template_name = "worker/admin/retry.html"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(RETRY_PERMISSION):
            raise PermissionDenied
        self.failed = get_object_or_404(FailedTask, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Retry a failed task")

    def get_page_subtitle(self):
        return self.failed.task_name

    @property
    def inspect_url(self):
        return reverse("failed_tasks:inspect", args=[self.failed.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("failed_tasks:index"), "label": _("Failed tasks")},
            {"url": self.inspect_url, "label": self.failed.task_name},
            {"url": "", "label": _("Retry")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(failed=self.failed, cancel_url=self.inspect_url, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            message = retry_failed_task(self.failed, by=request.user)
        except AlreadyRetried:
            messages.warning(request, _("This task was already re-enqueued."))
        else:
            messages.success(
                request,
                _("%(task)s was enqueued again (task id %(id)s).")
                % {"task": self.failed.task_name, "id": message.task_id},
            )
        return redirect(self.inspect_url)
