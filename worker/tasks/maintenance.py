"""Periodic upkeep of the site."""

from celery import shared_task
from django.core.management import call_command

from worker import mail, outbox
from worker.base import BaseTask

# Rows younger than this are left to the publish that runs when their transaction commits.
OUTBOX_FLUSH_MIN_AGE_SECONDS = 10


@shared_task(name="worker.tasks.maintenance.publish_scheduled", ignore_result=True)
def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's own
    command, so the admin's scheduling is the single source of truth)."""
    call_command("publish_scheduled")


@shared_task(base=BaseTask, name="worker.tasks.maintenance.flush_outbox", max_retries=0)
def flush_outbox() -> dict:
    """Publish outbox messages whose commit-time publish failed (broker down), then forget
    messages sent more than OUTBOX_RETENTION_DAYS ago. Beat runs it every minute."""
    counts = outbox.flush(min_age_seconds=OUTBOX_FLUSH_MIN_AGE_SECONDS)
    counts["purged"] = outbox.purge_sent()
    return counts


@shared_task(base=BaseTask, name="worker.tasks.maintenance.purge_mail_log", max_retries=0)
def purge_mail_log() -> dict:
    """Delete mail-log rows older than MAIL_LOG_RETENTION_DAYS. Beat runs it daily."""
    return mail.purge_mail_log()
