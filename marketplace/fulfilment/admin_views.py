"""The organisers' fulfilment screens in the Wagtail admin: events with their task counts, a
board per event (filters by state, benefit, team and due-date range; overdue marked in words;
pagination), one task with the sponsor's asset, its proof and history, and the actions start,
deliver (with a proof) and waive (with a reason). Thin: each action is a form, then a service.

Seeing needs `fulfilment.view_benefittask`; acting needs `fulfilment.deliver_benefittask`; an
organiser sees and acts only on their own events' boards and tasks (`events/scope.py`: another
event's board or task is a 404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from events import scope
from events.models import EventPage
from marketplace.core.admin import AdminActionView
from marketplace.core.request_limits import upload_limits
from marketplace.fulfilment import files, services
from marketplace.fulfilment.assets import MAX_FILE_BYTES
from marketplace.fulfilment.forms import BoardFilterForm, DeliverForm, WaiveForm
from marketplace.fulfilment.kinds import kinds_needing_asset
from marketplace.fulfilment.models import BenefitTask, BenefitTaskQuerySet
from marketplace.fulfilment.states import OPEN_STATES, FulfilmentError, TaskState

VIEW_PERMISSION = "fulfilment.view_benefittask"
ACT_PERMISSION = "fulfilment.deliver_benefittask"
TASKS_PER_PAGE = 50


class PermissionMixin:
    permission = VIEW_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def task_in_scope(request, pk) -> BenefitTask:
    """The task, if its event is the user's (404 otherwise)."""
    return scope.get_in_scope_or_404(
        BenefitTask.objects.select_related("organisation", "pledge", "event"), request.user, pk=pk
    )


def _home_crumb():
    return {"url": reverse("fulfilment_admin:index"), "label": _("Fulfilment")}


class EventsView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Events that have benefit tasks, soonest first, with how many are open, overdue, done."""

    template_name = "fulfilment/admin/events.html"
    page_title = gettext_lazy("Fulfilment")
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Fulfilment")}]

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        counts = {
            row["event_id"]: row
            for row in scope.scope_queryset(BenefitTask.objects.all(), self.request.user)
            .values("event_id")
            .annotate(
                total=Count("pk"),
                open=Count("pk", filter=Q(state__in=OPEN_STATES)),
                overdue=Count("pk", filter=BenefitTaskQuerySet.overdue_condition(today)),
                missing=Count(
                    "pk",
                    filter=Q(
                        state__in=OPEN_STATES,
                        kind__in=kinds_needing_asset(),
                        asset_logo="",
                        asset_file="",
                        asset_text="",
                    ),
                ),
                delivered=Count("pk", filter=Q(state=TaskState.DELIVERED)),
            )
        }
        events = EventPage.objects.filter(pk__in=counts).order_by("start_date", "pk")
        rows = [(event, counts[event.pk]) for event in events]
        return super().get_context_data(rows=rows, **kwargs)


def filtered_tasks(event, form: BoardFilterForm, today=None):
    """The event's tasks matching the board's (valid) filters, by due date."""
    today = today or timezone.localdate()
    tasks = BenefitTask.objects.filter(event=event)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("state"):
        tasks = tasks.filter(state=data["state"])
    if data.get("kind"):
        tasks = tasks.filter(kind=data["kind"])
    if data.get("team"):
        tasks = tasks.filter(team=data["team"])
    if data.get("due_from"):
        tasks = tasks.filter(due_date__gte=data["due_from"])
    if data.get("due_to"):
        tasks = tasks.filter(due_date__lte=data["due_to"])
    if data.get("overdue"):
        tasks = tasks.overdue(today)
    return tasks.select_related("organisation", "pledge").order_by("due_date", "pk")


class BoardView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One event's benefit tasks, filtered and paginated."""

    template_name = "fulfilment/admin/board.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        self.event = scope.get_in_scope_or_404(
            EventPage.objects.all(), request.user, "pk", pk=kwargs["event_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Fulfilment board")

    def get_page_subtitle(self):
        return self.event.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [_home_crumb(), {"url": "", "label": self.event.title}]

    def get_context_data(self, **kwargs):
        form = BoardFilterForm(self.request.GET or None)
        today = timezone.localdate()
        tasks = filtered_tasks(self.event, form, today)
        page = Paginator(tasks, TASKS_PER_PAGE).get_page(self.request.GET.get("page"))
        for task in page.object_list:
            task.overdue_days = task.days_overdue(today)
        return super().get_context_data(
            event=self.event,
            form=form,
            page_obj=page,
            tasks=page.object_list,
            can_act=self.request.user.has_perm(ACT_PERMISSION),
            here=self.request.get_full_path(),
            **kwargs,
        )


class TaskView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One task: the sponsor's asset, the proof, the history and the actions."""

    template_name = "fulfilment/admin/task.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        self.task = task_in_scope(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.task.title

    def get_page_subtitle(self):
        return self.task.organisation.display_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            _home_crumb(),
            {"url": board_url(self.task.event_id), "label": self.task.event.title},
            {"url": "", "label": f"{self.task.title} — {self.task.organisation}"},
        ]

    def get_context_data(self, **kwargs):
        task = self.task
        return super().get_context_data(
            task=task,
            overdue_days=task.days_overdue(),
            history=task.history.select_related("actor"),
            can_act=self.request.user.has_perm(ACT_PERMISSION),
            here=self.request.get_full_path(),
            **kwargs,
        )


def board_url(event_id) -> str:
    return reverse("fulfilment_admin:board", args=[event_id])


def _back(request, task) -> str:
    """Where to go after an action: the safe `next` address, else the task."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("fulfilment_admin:task", args=[task.pk])


class StartView(PermissionMixin, View):
    permission = ACT_PERMISSION

    def post(self, request, pk):
        task = task_in_scope(request, pk)
        try:
            services.start(task, actor=request.user)
        except FulfilmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Started: %(task)s.") % {"task": services.describe(task)})
        return redirect(_back(request, task))


class TaskActionView(AdminActionView):
    """A form, then the service; a refusal is shown on the form and changes nothing
    (`marketplace.core.admin.AdminActionView`)."""

    permission = ACT_PERMISSION
    template_name = "fulfilment/admin/action.html"
    header_icon = "tasks"
    domain_errors = (FulfilmentError,)

    def load(self, pk):
        self.task = task_in_scope(self.request, pk)

    def get_page_subtitle(self):
        return services.describe(self.task)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            _home_crumb(),
            {"url": board_url(self.task.event_id), "label": self.task.event.title},
            {
                "url": reverse("fulfilment_admin:task", args=[self.task.pk]),
                "label": f"{self.task.title} — {self.task.organisation}",
            },
            {"url": "", "label": self.action_label},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            task=self.task,
            action_label=self.action_label,
            next=self.request.GET.get("next") or self.request.POST.get("next") or "",
            cancel_url=_back(self.request, self.task),
            **kwargs,
        )

    def get_success_message_context(self):
        return {"task": services.describe(self.task)}

    def get_success_url(self):
        return _back(self.request, self.task)


@method_decorator(upload_limits(proof_file=MAX_FILE_BYTES), name="dispatch")
class DeliverView(TaskActionView):
    form_class = DeliverForm
    action_label = gettext_lazy("Mark delivered")
    success_message = gettext_lazy("Delivered: %(task)s.")

    def perform(self, data):
        services.deliver(
            self.task,
            actor=self.request.user,
            proof_file=data.get("proof_file"),
            proof_url=data.get("proof_url") or "",
            note=data.get("note") or "",
        )


class WaiveView(TaskActionView):
    form_class = WaiveForm
    action_label = gettext_lazy("Waive")
    success_message = gettext_lazy("Waived: %(task)s.")

    def perform(self, data):
        services.waive(self.task, actor=self.request.user, reason=data["reason"])


class FileView(PermissionMixin, View):
    def get(self, request, pk, which):
        return files.serve(task_in_scope(request, pk), which)
