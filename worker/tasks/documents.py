"""Finance documents: render a receipt, invoice or credit note to PDF and email it once."""

from celery import shared_task

from marketplace.finance import documents


@shared_task(
    name="worker.tasks.documents.deliver_document",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def deliver_document(kind: str, pk: int) -> bool:
    """Render the document's PDF (kept privately) and email it to the organisation's finance
    contact. Safe to run twice: the second run sends nothing."""
    return documents.deliver(kind, pk)
