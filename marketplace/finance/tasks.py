"""Finance's Celery task: render a receipt, invoice or credit note to PDF and email it once
(`documents` queue).

Thin and safe to run twice. `documents.py` enqueues it by object, so it imports this module;
the task imports `documents` when it runs, which keeps that a one-way import.
"""

from celery import shared_task

from worker.base import BaseTask


@shared_task(bind=True, base=BaseTask, queue_name="documents")
def deliver_document(self, kind: str, pk: int) -> bool:
    """Render the document's PDF (kept privately) and email it to the organisation's finance
    contact through the mail log. Safe to run twice: the second run sends nothing."""
    from marketplace.finance import pdfs  # at run time: pdfs imports this module

    return pdfs.deliver(kind, pk)
