"""Finance documents: render a receipt, invoice or credit note to PDF and email it once."""

from celery import shared_task

from marketplace.finance import pdfs
from worker.base import BaseTask


@shared_task(bind=True, base=BaseTask, name="worker.tasks.documents.deliver_document")
def deliver_document(self, kind: str, pk: int) -> bool:
    """Render the document's PDF (kept privately) and email it to the organisation's finance
    contact through the mail log. Safe to run twice: the second run sends nothing."""
    return pdfs.deliver(kind, pk)


@shared_task(bind=True, base=BaseTask, name="worker.tasks.documents.issue_agreement")
def issue_agreement(self, pledge_id: int, version: int = 1) -> bool:
    """Render version `version` of the pledge's sponsorship agreement, keep it with its SHA-256
    and email it to the signatory. Safe to run twice: one version, one email."""
    from marketplace.agreements import services

    return services.issue_agreement(pledge_id, version) is not None


@shared_task(bind=True, base=BaseTask, name="worker.tasks.documents.deliver_executed_agreement")
def deliver_executed_agreement(self, agreement_id: int) -> bool:
    """Render the executed agreement (with its signature page), email it to both sides and enter
    it in the partnership register. Safe to run twice: the second run does nothing."""
    from marketplace.agreements import signing

    return signing.deliver_executed(agreement_id)
