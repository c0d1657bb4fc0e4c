"""Finance documents: render a receipt, invoice or credit note to PDF and email it once."""

from celery import shared_task

from marketplace.finance import documents
from worker.base import BaseTask


@shared_task(bind=True, base=BaseTask, name="worker.tasks.documents.deliver_document")
def deliver_document(self, kind: str, pk: int) -> bool:
    """Render the document's PDF (kept privately) and email it to the organisation's finance
    contact through the mail log. Safe to run twice: the second run sends nothing."""
    return documents.deliver(kind, pk)
