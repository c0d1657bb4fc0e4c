"""Finance's part of the organisation's documents page (`marketplace/pledges/documents.py`):
its receipts, invoices and credit notes, with their PDF downloads. Registered by
`FinanceConfig.ready`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.finance.models import CreditNote, Invoice, Receipt
from marketplace.pledges.documents import ORGANISATION_DOCUMENTS, Document

KINDS = (("receipt", Receipt), ("invoice", Invoice), ("credit_note", CreditNote))


@ORGANISATION_DOCUMENTS.register(10, "finance: receipts, invoices, credit notes")
def finance_documents(organisation) -> list[Document]:
    labels = {"receipt": _("Receipt"), "invoice": _("Invoice"), "credit_note": _("Credit note")}
    documents = []
    for kind, model in KINDS:
        rows = model.objects.filter(organisation=organisation).select_related("pledge")
        for row in rows.only("number", "issued_at", "amount", "currency", "pledge"):
            documents.append(
                Document(
                    kind=labels[kind],
                    number=row.number,
                    issued_at=row.issued_at,
                    pledge_reference=row.pledge.reference,
                    pledge_public_id=row.pledge.public_id,
                    url=reverse("payments:download", args=[row.pledge.public_id, kind, row.number]),
                    amount=row.amount,
                    currency=row.currency,
                )
            )
    return documents
