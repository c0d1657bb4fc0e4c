"""Celery tasks of resource mobilisation (beat: `pipeline-reminders`, daily)."""

from celery import shared_task

from worker.base import BaseTask


@shared_task(base=BaseTask, name="register.pipeline.tasks.send_reminders")
def send_reminders() -> dict:
    """Next actions due and agreements expiring in 90 and 30 days, each reminder sent once."""
    from register.pipeline import reminders

    return {
        "next_actions": reminders.send_next_action_reminders(),
        "expiring_agreements": reminders.send_expiry_reminders(),
    }
