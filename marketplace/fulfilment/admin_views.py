"""The organisers' fulfilment screens in the Wagtail admin: events with their task counts, a
board (a column per state, a card per task; filters by event, assignee, state, benefit, team
and due-date range; overdue marked in words; bulk assign / start / remind sponsor), one task
with the sponsor's asset, its proof and history, and the actions start, deliver (with a
proof), waive (with a reason), assign and remind sponsor. Thin: each action is a form, then a
service.

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
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from events import scope
from events.models import EventPage
from marketplace.core.admin import AdminActionView
from marketplace.core.request_limits import upload_limits
from marketplace.fulfilment import dashboard, files, reminders, services
from marketplace.fulfilment.assets import MAX_FILE_BYTES
from marketplace.fulfilment.forms import (
    UNASSIGNED,
    AssignForm,
    BoardFilterForm,
    BulkAction,
    DeliverForm,
    WaiveForm,
)
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
        BenefitTask.objects.select_related("organisation", "pledge", "event", "assignee"),
        request.user,
        pk=pk,
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


def filtered_tasks(tasks, form: BoardFilterForm, today=None):
    """`tasks` matching the board's (valid) filters, by due date."""
    today = today or timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("event"):
        tasks = tasks.filter(event=data["event"])
    if data.get("assignee") == UNASSIGNED:
        tasks = tasks.filter(assignee__isnull=True)
    elif data.get("assignee"):
        tasks = tasks.filter(assignee_id=int(data["assignee"]))
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
    if data.get("missing"):
        tasks = tasks.filter(dashboard.missing_condition())
    return tasks.select_related("organisation", "pledge", "event", "assignee").order_by(
        "due_date", "pk"
    )


class BoardView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """The board: one column (a headed list) per state, a card per task, filtered by event,
    assignee, team, benefit, due dates and overdue. Each column shows its first
    `TASKS_PER_PAGE` cards and links to itself alone, where it is paginated. Without an event
    in the address it spans every event the reader may see, with an event filter."""

    template_name = "fulfilment/admin/board.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        self.event = None
        if "event_id" in kwargs:
            self.event = scope.get_in_scope_or_404(
                EventPage.objects.all(), request.user, "pk", pk=kwargs["event_id"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Fulfilment board")

    def get_page_subtitle(self):
        return self.event.title if self.event else _("All your events")

    def get_breadcrumbs_items(self):
        label = self.event.title if self.event else _("All your events")
        return self.breadcrumbs_items + [_home_crumb(), {"url": "", "label": label}]

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        staff = list(services.board_staff())
        form = BoardFilterForm(
            self.request.GET or None,
            events=scope.events_for(self.request.user).order_by("-start_date", "title"),
            staff=staff,
            with_event=self.event is None,
        )
        tasks = scope.scope_queryset(BenefitTask.objects.all(), self.request.user)
        if self.event is not None:
            tasks = tasks.filter(event=self.event)
        tasks = filtered_tasks(tasks, form, today)
        counts = dict(tasks.order_by().values_list("state").annotate(n=Count("pk")))
        chosen = form.cleaned_data.get("state") if form.is_valid() else ""
        columns, page = [], None
        for state, state_label in TaskState.choices:
            if chosen and state != chosen:
                continue
            in_state = tasks.filter(state=state)
            if chosen:
                page = Paginator(in_state, TASKS_PER_PAGE).get_page(self.request.GET.get("page"))
                cards = list(page.object_list)
            else:
                cards = list(in_state[:TASKS_PER_PAGE])
            for task in cards:
                task.overdue_days = task.days_overdue(today)
            columns.append(
                {
                    "state": state,
                    "label": state_label,
                    "count": counts.get(state, 0),
                    "cards": cards,
                    "more": counts.get(state, 0) - len(cards) if not chosen else 0,
                }
            )
        can_act = self.request.user.has_perm(ACT_PERMISSION)
        shown = [task.pk for column in columns for task in column["cards"]]
        return super().get_context_data(
            event=self.event,
            form=form,
            columns=columns,
            page_obj=page,
            total=sum(counts.values()),
            can_act=can_act,
            # Its own ids: the filters above have an "assignee" field too.
            bulk_form=BulkAction(staff=staff, task_ids=shown, auto_id="id_bulk_%s")
            if can_act
            else None,
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
            assign_form=AssignForm(
                staff=services.board_staff(),
                initial={"assignee": str(task.assignee_id or UNASSIGNED)},
            ),
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


class RemindSponsorView(PermissionMixin, View):
    """ "Remind sponsor": the asset request for one task, sent now (once a day at most)."""

    permission = ACT_PERMISSION

    def post(self, request, pk):
        task = task_in_scope(request, pk)
        try:
            reminders.remind_sponsor(task, actor=request.user)
        except FulfilmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Sponsor reminded: %(task)s.") % {"task": services.describe(task)}
            )
        return redirect(_back(request, task))


class AssignView(PermissionMixin, View):
    permission = ACT_PERMISSION

    def post(self, request, pk):
        task = task_in_scope(request, pk)
        form = AssignForm(request.POST, staff=services.board_staff())
        if not form.is_valid():
            messages.error(request, _("Choose someone from the list."))
            return redirect(_back(request, task))
        try:
            services.assign(task, assignee=form.chosen_assignee, actor=request.user)
        except FulfilmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Assigned: %(task)s.") % {"task": services.describe(task)})
        return redirect(_back(request, task))


class BulkView(PermissionMixin, View):
    """The board's bulk action: each ticked task (of the reader's events) is assigned, started
    or its sponsor reminded in its own transaction; what was refused is listed with why."""

    permission = ACT_PERMISSION

    def post(self, request):
        back = _safe_next(request) or reverse("fulfilment_admin:board_all")
        ids = [value for value in request.POST.getlist("task") if value.isdigit()]
        tasks = list(
            scope.scope_queryset(BenefitTask.objects.all(), request.user)
            .filter(pk__in=ids)
            .select_related("organisation", "event")
        )
        data = request.POST.copy()  # ticked tasks outside the reader's events are left out
        data.setlist("task", [str(task.pk) for task in tasks])
        form = BulkAction(data, staff=services.board_staff(), task_ids=[t.pk for t in tasks])
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        action = form.cleaned_data["action"]
        done, refused = 0, []
        for task in tasks:
            try:
                if action == BulkAction.ASSIGN:
                    services.assign(task, assignee=form.chosen_assignee, actor=request.user)
                elif action == BulkAction.START:
                    services.start(task, actor=request.user)
                else:
                    reminders.remind_sponsor(task, actor=request.user)
            except FulfilmentError as error:
                refused.append(f"{services.describe(task)}: {error.message}")
            else:
                done += 1
        verb = dict(form.fields["action"].choices)[action]
        if done:
            messages.success(
                request,
                ngettext("%(verb)s: %(n)s task done.", "%(verb)s: %(n)s tasks done.", done)
                % {"verb": verb, "n": done},
            )
        for line in refused:
            messages.warning(request, line)
        return redirect(back)


def _safe_next(request) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


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
