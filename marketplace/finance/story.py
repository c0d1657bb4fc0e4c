"""Finance's section of a pledge's story (`marketplace.pledges.hooks.PLEDGE_STORY`): what the
pledge owes, has received, had refunded and still owes — read from the one balance — and, for
readers who may see finance documents, its receipts, invoice and credit notes with their PDFs
(their issue joins the timeline)."""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from marketplace.core.story import StorySection, TimelineEntry
from marketplace.finance.balance import balances_of
from marketplace.finance.models import CreditNote, Invoice, Receipt
from marketplace.pledges.hooks import PLEDGE_STORY

# (model, admin namespace); each kind of document needs its own view permission.
DOCUMENT_KINDS = (
    (Invoice, "finance_invoices"),
    (Receipt, "finance_receipts"),
    (CreditNote, "finance_credit_notes"),
)


def _documents(pledges, user) -> list[dict]:
    documents = []
    for model, namespace in DOCUMENT_KINDS:
        if not user.has_perm(f"finance.view_{model._meta.model_name}"):
            continue
        issued = model.objects.filter(pledge__in=pledges).select_related("pledge", "issued_by")
        for document in issued:
            documents.append(
                {
                    "document": document,
                    "kind": model._meta.verbose_name,
                    "url": reverse(f"{namespace}:inspect", args=[document.pk]),
                    "pdf_url": reverse(f"{namespace}:pdf", args=[document.pk]),
                }
            )
    documents.sort(key=lambda row: (row["document"].issued_at, row["document"].number))
    return documents


@PLEDGE_STORY.register(10, "balance and documents")
def finance_section(pledges, *, user):
    """One balance per pledge (`balances_of`: five queries for all of them) and one query per
    kind of document, whatever their number."""
    read = balances_of(pledges)
    balances = [(pledge, read[pledge.pk]) for pledge in pledges]
    documents = _documents(pledges, user)
    sees_documents = any(
        user.has_perm(f"finance.view_{model._meta.model_name}") for model, _ns in DOCUMENT_KINDS
    )
    timeline = [
        TimelineEntry(
            at=row["document"].issued_at,
            subject=f"{capfirst(row['kind'])} {row['document'].number}",
            to_label=_("Issued"),
            actor=row["document"].issued_by,
            url=row["url"],
        )
        for row in documents
    ]
    return StorySection(
        name="balance",
        title=_("Balance and documents"),
        template="finance/admin/story_balance.html",
        context={
            "balances": balances,
            "many": len(pledges) > 1,
            "documents": documents,
            "sees_documents": sees_documents,
        },
        timeline=timeline,
    )
