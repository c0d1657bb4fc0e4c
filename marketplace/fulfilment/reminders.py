"""Fulfilment reminders sent by beat (marketplace/fulfilment/tasks.py), each once per window
whatever the number of workers or runs (the MailLog key names the window and is unique):

* **assets missing** — to the sponsor, for open benefits whose asset is not supplied: in the
  window from 7 to 3 days before the due date, then again from 2 days before to the due date.
  One email per (pledge, due date, window), listing that date's missing assets.
* **tasks overdue** — a daily digest to the event's organiser address listing the event's open
  tasks past their due date. One per (event, day).

* **remind sponsor** — staff's button on the board: the same asset request for one task, now,
  at most once per (task, day), written on the task's history.

The post-event report is in `report.py`.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.fulfilment.kinds import kinds_needing_asset
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.states import OPEN_STATES, TASK_MACHINE, FulfilmentError
from marketplace.pledges.states import PAID_STATES
from sponsors import recipients as sponsor_recipients
from sponsors.languages import send_in_their_languages
from sponsors.models import ContactRole
from worker.models import MailLog

ASSET_REMINDER_DAYS = (7, 2)  # windows start this many days before the due date


def asset_window(due_date: datetime.date, today: datetime.date) -> int | None:
    """The reminder window `today` falls in for a task due on `due_date`: 7 (from 7 to 3 days
    before), 2 (from 2 days before to the due date itself), or None."""
    days_left = (due_date - today).days
    if days_left < 0:
        return None
    for window in sorted(ASSET_REMINDER_DAYS):
        if days_left <= window:
            return window
    return None


def tasks_missing_assets(today: datetime.date):
    return BenefitTask.objects.filter(
        state__in=OPEN_STATES,
        kind__in=kinds_needing_asset(),
        asset_logo="",
        asset_file="",
        asset_text="",
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=max(ASSET_REMINDER_DAYS)),
        pledge__status__in=PAID_STATES,
    )


def _new_keys(keys) -> set[str]:

    return set(keys) - set(MailLog.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def send_asset_reminders(today: datetime.date | None = None) -> int:
    """Queue the "assets missing" emails due today, each once per (pledge, due date, window).
    Returns how many were due and unsent when this call looked (two runs racing may both
    count one; only one is sent)."""

    today = today or timezone.localdate()
    groups = defaultdict(list)
    for task in (
        tasks_missing_assets(today)
        .select_related("pledge", "pledge__organisation", "event")
        .order_by("pledge_id", "due_date", "pk")
    ):
        window = asset_window(task.due_date, today)
        if window is not None:
            groups[f"fulfilment:assets-missing:{task.pledge_id}:{task.due_date}:{window}d"].append(
                task
            )
    fresh = _new_keys(groups)
    sent = 0
    for key, tasks in groups.items():
        pledge = tasks[0].pledge
        recipients = sponsor_recipients.team_and_contact(pledge.organisation, ContactRole.MARKETING)
        if key not in fresh or not recipients:
            continue
        send_in_their_languages(
            "fulfilment/email/assets_missing",
            {
                "pledge": pledge,
                "tasks": tasks,
                "due_date": tasks[0].due_date,
                "days_left": (tasks[0].due_date - today).days,
                "links": {
                    task.pk: settings.SITE_URL + reverse("fulfilment:task", args=[task.public_id])
                    for task in tasks
                },
            },
            recipients,
            pledge=pledge,
            key=key,
        )
        sent += 1
    return sent


def overdue_tasks(today: datetime.date):
    """The overdue tasks of pledges still paid (a refunded pledge's tasks are not chased)."""
    return BenefitTask.objects.overdue(today).filter(pledge__status__in=PAID_STATES)


def send_overdue_digests(today: datetime.date | None = None) -> int:
    """Queue one digest per event with overdue tasks to the event's organiser address, once
    per (event, day). Returns how many were due and unsent when this call looked."""

    today = today or timezone.localdate()
    by_event = defaultdict(list)
    for task in (
        overdue_tasks(today)
        .select_related("organisation", "event", "pledge")
        .order_by("event_id", "due_date", "pk")
    ):
        task.overdue_days = task.days_overdue(today)
        by_event[task.event_id].append(task)
    keys = {event_id: f"fulfilment:overdue:{event_id}:{today}" for event_id in by_event}
    fresh = _new_keys(keys.values())
    sent = 0
    for event_id, tasks in by_event.items():
        event = tasks[0].event
        if keys[event_id] not in fresh or not event.organiser_email:
            continue
        board = settings.SITE_URL + reverse("fulfilment_admin:board", args=[event_id])
        send_in_their_languages(
            "fulfilment/email/overdue_digest",
            {
                "event": event,
                "tasks": tasks,
                "today": today,
                "board_link": f"{board}?overdue=on",
                "site_url": settings.SITE_URL,
            },
            [event.organiser_email],
            key=keys[event_id],
            staff=True,
        )
        sent += 1
    return sent


def remind_key(task, today: datetime.date) -> str:
    return f"fulfilment:remind-sponsor:{task.pk}:{today}"


def remind_sponsor(task, *, actor, today: datetime.date | None = None) -> MailLog:
    """Send the sponsor the asset request for one task now (staff's "Remind sponsor"), at most
    once per task and day, and log it on the task's history. Raises FulfilmentError, sending
    nothing, for a closed task, one that needs no asset or has it, a sponsor without anyone
    to write to, or a second reminder the same day."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            BenefitTask.objects.select_for_update()
            .select_related("pledge", "pledge__organisation", "pledge__event")
            .get(pk=task.pk)
        )
        if not locked.is_open:
            raise FulfilmentError(_("This benefit is closed: there is nothing to ask for."))
        if not locked.needs_asset:
            raise FulfilmentError(_("This benefit needs nothing from the sponsor."))
        if locked.has_asset:
            raise FulfilmentError(_("The sponsor has already supplied this asset."))
        key = remind_key(locked, today)
        if MailLog.objects.filter(key=key).exists():
            raise FulfilmentError(
                _("The sponsor was already reminded about this benefit today; try tomorrow.")
            )
        pledge = locked.pledge
        recipients = sponsor_recipients.team_and_contact(pledge.organisation, ContactRole.MARKETING)
        if not recipients:
            raise FulfilmentError(_("The sponsor has no one to write to."))
        (log, *_others) = send_in_their_languages(
            "fulfilment/email/assets_missing",
            {
                "pledge": pledge,
                "tasks": [locked],
                "due_date": locked.due_date,
                "days_left": max((locked.due_date - today).days, 0),
                "links": {
                    locked.pk: settings.SITE_URL
                    + reverse("fulfilment:task", args=[locked.public_id])
                },
            },
            recipients,
            pledge=pledge,
            key=key,
        )
        TASK_MACHINE.log(
            locked,
            locked.state,
            locked.state,
            actor=actor,
            reason=_("Sponsor reminded to supply the asset (%(to)s).")
            % {"to": ", ".join(recipients)},
        )
    return log
