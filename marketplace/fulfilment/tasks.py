"""Fulfilment's Celery tasks: turn a paid pledge's benefits into tasks, and beat's reminders
(assets missing, the organisers' overdue digest, the sponsors' post-event reports).

Thin and safe to run twice. The services enqueue `create_benefit_tasks` by object, so they
import this module; each task imports its service when it runs (the reminders and the report
import the services too), which keeps that a one-way import.
"""

from celery import shared_task
from celery.schedules import crontab

from worker.app import app
from worker.base import BaseTask


@shared_task(base=BaseTask, queue_name="default")
def create_benefit_tasks(pledge_id: int) -> int:
    """Create the pledge's benefit tasks; returns how many it has. Safe to run twice."""
    from marketplace.fulfilment import services  # at run time: services import this module

    return len(services.create_tasks_for_pledge(pledge_id))


@shared_task(base=BaseTask, queue_name="default")
def remind_fulfilment() -> dict:
    """Assets missing (7 and 2 days before their due date), the organisers' overdue digest
    (daily) and the sponsors' post-event reports (once), each once per window: the MailLog key
    names (reminder, object, window) and is unique. See reminders.py and report.py."""
    # At run time: both import the services, which import this module.
    from marketplace.fulfilment import reminders, report

    return {
        "assets_missing": reminders.send_asset_reminders(),
        "overdue_digests": reminders.send_overdue_digests(),
        "reports": report.send_post_event_reports(),
    }


app.add_periodic_task(
    crontab(minute=5),  # every hour, at :05
    remind_fulfilment.s(),
    name="remind-fulfilment",
)
