"""The benefit tasks' section of a pledge's story (`marketplace.pledges.hooks.PLEDGE_STORY`):
how far delivery has come (closed of all), each task with its team, due date, assignee, state,
overdue marking and missing asset, a link to the event's board, and the tasks' audit entries
for the timeline. Two queries, whatever the number of tasks."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.story import TIMELINE_LIMIT, StorySection, choice_label, timeline_entries
from marketplace.fulfilment.admin_views import VIEW_PERMISSION, board_url
from marketplace.fulfilment.models import BenefitTask, BenefitTaskChange
from marketplace.fulfilment.states import CLOSED_STATES, TaskState
from marketplace.pledges.hooks import PLEDGE_STORY


def _task_url(task) -> str:
    return reverse("fulfilment_admin:task", args=[task.pk])


@PLEDGE_STORY.register(40, "benefit tasks")
def tasks_section(pledges, *, user):
    if not user.has_perm(VIEW_PERMISSION):
        return None
    today = timezone.localdate()
    tasks = list(
        BenefitTask.objects.filter(pledge__in=pledges)
        .select_related("pledge", "assignee")
        .order_by("due_date", "benefit_index", "unit", "pk")
    )
    rows = [
        {
            "task": task,
            "url": _task_url(task),
            "overdue_days": task.days_overdue(today),
            "asset_missing": task.asset_missing,
        }
        for task in tasks
    ]
    closed = sum(1 for task in tasks if task.state in CLOSED_STATES)
    changes = (
        BenefitTaskChange.objects.filter(task__pledge__in=pledges)
        .select_related("actor", "task")
        .order_by("-at", "-pk")[:TIMELINE_LIMIT]
    )
    timeline = timeline_entries(
        changes,
        subject_of=lambda change: _("Task %(title)s") % {"title": change.task.title},
        label_of=choice_label(TaskState),
        url_of=lambda change: _task_url(change.task),
    )
    events = sorted({pledge.event_id for pledge in pledges})
    return StorySection(
        name="tasks",
        title=_("Benefit tasks"),
        template="fulfilment/admin/story_tasks.html",
        context={
            "rows": rows,
            "many": len(pledges) > 1,
            "closed": closed,
            "total": len(tasks),
            "percent": int(closed * 100 / len(tasks)) if tasks else 0,
        },
        actions=[(board_url(event_id), _("Open the event's board")) for event_id in events]
        if len(events) == 1
        else [],
        timeline=timeline,
    )
