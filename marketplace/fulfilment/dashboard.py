"""The fulfilment panels of an organiser's dashboard (their events only): sponsor material
still missing, and tasks due this week or overdue. A fixed number of queries each."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import scope
from marketplace.core.dashboard import PANEL_ROWS, CountPanel, PanelRow
from marketplace.fulfilment.kinds import kinds_needing_asset
from marketplace.fulfilment.models import BenefitTask, BenefitTaskQuerySet
from marketplace.fulfilment.states import OPEN_STATES
from marketplace.pledges.states import PAID_STATES

DUE_SOON_DAYS = 7


def _tasks(user):
    return scope.scope_queryset(
        BenefitTask.objects.filter(pledge__status__in=PAID_STATES), user
    ).select_related("organisation", "event")


def missing_condition() -> Q:
    """Open tasks whose benefit needs the sponsor's material and has none yet."""
    return Q(
        state__in=OPEN_STATES,
        kind__in=kinds_needing_asset(),
        asset_logo="",
        asset_file="",
        asset_text="",
    )


def _board(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("fulfilment_admin:board_all") + (f"?{query}" if query else "")


def _row(task, detail, urgent=False) -> PanelRow:
    return PanelRow(
        label=f"{task.title} — {task.organisation.display_name} ({task.event.acronym})",
        url=reverse("fulfilment_admin:task", args=[task.pk]),
        detail=detail,
        urgent=urgent,
    )


def assets_missing(user, today: datetime.date | None = None) -> CountPanel:
    today = today or timezone.localdate()
    tasks = _tasks(user).filter(missing_condition())
    count = tasks.count()
    rows = [
        _row(
            task,
            _("needed by %(date)s") % {"date": date_format(task.due_date, "DATE_FORMAT")},
            urgent=task.due_date < today,
        )
        for task in tasks.order_by("due_date", "pk")[:PANEL_ROWS]
    ]
    return CountPanel(
        name="assets-missing",
        heading=_("Sponsor material missing"),
        count=count,
        rows=rows,
        listing_url=_board(missing="on"),
        listing_label=_("On the board"),
        empty_text=_(
            "Nothing missing. Benefits still waiting for a sponsor's logo, text or file "
            "will appear here, so you can remind the sponsor from the board."
        ),
        order=220,
    )


def tasks_due(user, today: datetime.date | None = None) -> CountPanel:
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    tasks = _tasks(user).filter(state__in=OPEN_STATES, due_date__lte=soon)
    count = tasks.count()
    overdue = tasks.filter(BenefitTaskQuerySet.overdue_condition(today)).count()
    rows = []
    for task in tasks.order_by("due_date", "pk")[:PANEL_ROWS]:
        late = task.days_overdue(today)
        if late:
            detail = ngettext("overdue by %(n)s day", "overdue by %(n)s days", late) % {"n": late}
        else:
            detail = _("due %(date)s") % {"date": date_format(task.due_date, "DATE_FORMAT")}
        rows.append(_row(task, detail, urgent=bool(late)))
    heading = _("Tasks due this week or overdue")
    if overdue:
        heading = ngettext(
            "Tasks due this week or overdue (%(n)s overdue)",
            "Tasks due this week or overdue (%(n)s overdue)",
            overdue,
        ) % {"n": overdue}
    return CountPanel(
        name="tasks-due",
        heading=heading,
        count=count,
        rows=rows,
        listing_url=_board(due_to=soon.isoformat()),
        listing_label=_("On the board"),
        empty_text=_(
            "Nothing due in the next 7 days. Benefit tasks of paid pledges will appear here "
            "as their due date nears, and stay, marked overdue, until delivered or waived."
        ),
        order=230,
    )
