"""Periodic work on sponsorship agreements (rendering and delivery are in `documents.py`)."""

from celery import shared_task

from worker.base import BaseTask


@shared_task(base=BaseTask, name="worker.tasks.agreements.remind_unsigned", max_retries=0)
def remind_unsigned() -> int:
    """Email the signatory of each agreement unsigned after N days (the event's policy), once
    per window whatever the number of workers or reruns. Beat runs it every hour."""
    from marketplace.agreements import reminders

    return reminders.remind_unsigned()


@shared_task(base=BaseTask, name="worker.tasks.agreements.clear_signature_evidence", max_retries=0)
def clear_signature_evidence() -> int:
    """Clear the IP address and user agent of signatures older than SIGNATURE_EVIDENCE_YEARS.
    Beat runs it daily."""
    from marketplace.agreements import retention

    return retention.clear_signature_evidence()
