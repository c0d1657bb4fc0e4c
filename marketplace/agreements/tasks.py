"""The agreements' Celery tasks: render and deliver versions (`documents` queue), and beat's
unsigned-agreement reminders and signature-evidence retention.

Thin: each loads by id and calls its service, and is safe to run twice. The services enqueue
these tasks by object (`outbox.enqueue(tasks.issue_agreement, ...)`), so they import this
module; each task imports its service when it runs, which keeps that a one-way import.
"""

from celery import shared_task
from celery.schedules import crontab

from marketplace.agreements import retention
from worker.app import app
from worker.base import BaseTask


@shared_task(bind=True, base=BaseTask, queue_name="documents")
def issue_agreement(self, pledge_id: int, version: int = 1) -> bool:
    """Render version `version` of the pledge's sponsorship agreement, keep it with its SHA-256
    and email it to the signatory. Safe to run twice: one version, one email."""
    from marketplace.agreements import services  # at run time: services import this module

    return services.issue_agreement(pledge_id, version) is not None


@shared_task(bind=True, base=BaseTask, queue_name="documents")
def deliver_executed_agreement(self, agreement_id: int) -> bool:
    """Render the executed agreement (with its signature page), email it to both sides and enter
    it in the partnership register. Safe to run twice: the second run does nothing."""
    from marketplace.agreements import signing  # at run time: signing imports this module

    return signing.deliver_executed(agreement_id)


@shared_task(base=BaseTask, queue_name="default", max_retries=0)
def remind_unsigned() -> int:
    """Email the signatory of each agreement unsigned after N days (the event's policy), once
    per window whatever the number of workers or reruns. Beat runs it every hour."""
    # At run time: the reminders import the services, which import this module.
    from marketplace.agreements import reminders

    return reminders.remind_unsigned()


@shared_task(base=BaseTask, queue_name="default", max_retries=0)
def clear_signature_evidence() -> int:
    """Clear the IP address and user agent of signatures older than SIGNATURE_EVIDENCE_YEARS.
    Beat runs it daily."""
    return retention.clear_signature_evidence()


app.add_periodic_task(
    crontab(minute=7),  # every hour, at :07
    remind_unsigned.s(),
    name="remind-unsigned-agreements",
)
app.add_periodic_task(
    crontab(hour=3, minute=27),  # daily, at 03:27
    clear_signature_evidence.s(),
    name="clear-signature-evidence",
)
