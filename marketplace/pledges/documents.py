"""All of an organisation's documents in one list: receipts, invoices and credit notes (from
finance) and agreements (from agreements), each with its download. This layer cannot import
them: they register on `ORGANISATION_DOCUMENTS` and return `Document` rows for an
organisation, one query each; the portal page (`views.documents`) merges them, newest first,
and paginates."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from marketplace.core.hooks import Steps

# Each step takes the organisation and returns its list of documents.
ORGANISATION_DOCUMENTS = Steps("organisation documents")


@dataclass(frozen=True)
class Document:
    kind: str  # a label: "Receipt", "Agreement"...
    number: str
    issued_at: datetime.datetime
    pledge_reference: str
    pledge_public_id: object
    url: str
    amount: Decimal | None = None
    currency: str = ""
    state: str = ""


def documents_of(organisation) -> list[Document]:
    """Every document of the organisation, newest first."""
    documents = [doc for found in ORGANISATION_DOCUMENTS.collect(organisation) for doc in found]
    documents.sort(key=lambda d: (d.issued_at, d.number), reverse=True)
    return documents
