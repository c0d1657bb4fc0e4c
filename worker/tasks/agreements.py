"""Periodic work on sponsorship agreements (rendering and delivery are in `documents.py`)."""

from celery import shared_task

from worker.base import BaseTask


@shared_task(base=BaseTask, name="worker.tasks.agreements.remind_unsigned", max_retries=0)
def remind_unsigned() -> int:
    """Email the signatory of each agreement unsigned after N days (the event's policy), once
    per window whatever the number of workers or reruns. Beat runs it every hour."""
    from marketplace.agreements import reminders

    return reminders.remind_unsigned()
