"""Celery tasks of resource mobilisation (beat: `pipeline-reminders`, daily)."""

from celery import shared_task
from celery.schedules import crontab

from register.pipeline import reminders
from worker.app import app
from worker.base import BaseTask


@shared_task(base=BaseTask, queue_name="default")
def send_reminders() -> dict:
    """Next actions due and agreements expiring in 90 and 30 days, each reminder sent once."""
    return {
        "next_actions": reminders.send_next_action_reminders(),
        "expiring_agreements": reminders.send_expiry_reminders(),
    }


# Next actions due, agreements expiring in 90 / 30 days (once each).
app.add_periodic_task(
    crontab(hour=6, minute=15),  # daily, at 06:15
    send_reminders.s(),
    name="pipeline-reminders",
)
