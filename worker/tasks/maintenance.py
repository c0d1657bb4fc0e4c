"""Periodic upkeep of the worker's own tables (beat entries in `worker/app.py`)."""

from celery import shared_task

from worker import mail, outbox
from worker.base import BaseTask

# Rows younger than this are left to the publish that runs when their transaction commits.
OUTBOX_FLUSH_MIN_AGE_SECONDS = 10


@shared_task(base=BaseTask, queue_name="default", max_retries=0)
def flush_outbox() -> dict:
    """Publish outbox messages whose commit-time publish failed (broker down), then forget
    messages sent more than OUTBOX_RETENTION_DAYS ago. Beat runs it every minute."""
    counts = outbox.flush(min_age_seconds=OUTBOX_FLUSH_MIN_AGE_SECONDS)
    counts["purged"] = outbox.purge_sent()
    return counts


@shared_task(base=BaseTask, queue_name="default", max_retries=0)
def purge_mail_log() -> dict:
    """Delete mail-log rows older than MAIL_LOG_RETENTION_DAYS. Beat runs it daily."""
    return mail.purge_mail_log()
