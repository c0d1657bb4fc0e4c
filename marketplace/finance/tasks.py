"""Finance's Celery tasks: render a receipt, invoice or credit note to PDF and email it once
(`documents` queue), and beat's daily overdue-invoice reminders.

Thin and safe to run twice. `documents.py` enqueues it by object, so it imports this module;
the task imports `documents` when it runs, which keeps that a one-way import.
"""

from celery import shared_task
from celery.schedules import crontab

from marketplace.finance import aging
from worker.app import app
from worker.base import BaseTask


@shared_task(bind=True, base=BaseTask, queue_name="documents")
def deliver_document(self, kind: str, pk: int) -> bool:
    """Render the document's PDF (kept privately) and email it to the organisation's finance
    contact through the mail log. Safe to run twice: the second run sends nothing."""
    from marketplace.finance import pdfs  # at run time: pdfs imports this module

    return pdfs.deliver(kind, pk)


@shared_task(base=BaseTask, queue_name="default", max_retries=0)
def remind_overdue_invoices() -> int:
    """Email the finance contact of each overdue invoice once per window of days past due
    (`aging.remind_overdue`; the mail log's key makes reruns send nothing). Beat runs it daily."""
    return aging.remind_overdue()


app.add_periodic_task(
    crontab(hour=6, minute=17),  # daily, at 06:17
    remind_overdue_invoices.s(),
    name="remind-overdue-invoices",
)
