"""The PDFs of receipts, invoices and credit notes: rendered once, kept privately, emailed once.

A document's PDF is rendered from `finance/pdf/<kind>.html` the first time it is needed (by the
documents task after the issuing transaction commits, or by a download) and kept under
PRIVATE_DOCUMENTS_ROOT, never under MEDIA_ROOT: it is served only by views that check who asks.
The email to the organisation's finance contact is recorded in `Delivery`, so running the task
twice sends it once.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.core.pdf import render_pdf
from marketplace.finance.mail import send_with_attachment
from marketplace.finance.models import (
    CreditNote,
    Delivery,
    Invoice,
    PaymentAcknowledgement,
    Receipt,
)
from marketplace.finance.snapshots import issuer, tax_lines
from marketplace.finance.tasks import deliver_document
from sponsors import recipients as sponsor_recipients
from sponsors.languages import organisation_language
from sponsors.models import ContactRole
from worker import outbox

MODELS = {
    "receipt": Receipt,
    "invoice": Invoice,
    "credit_note": CreditNote,
    "acknowledgement": PaymentAcknowledgement,
}
SUBJECTS = {
    "receipt": _("Receipt %(number)s for pledge %(reference)s"),
    "invoice": _("Invoice %(number)s for pledge %(reference)s"),
    "credit_note": _("Credit note %(number)s for pledge %(reference)s"),
    "acknowledgement": _("Payment received for pledge %(reference)s (%(number)s)"),
}
INTROS = {
    "receipt": _("Thank you: we received your payment. The receipt is attached."),
    "invoice": _(
        "Please pay the attached invoice by bank transfer before its due date, quoting the "
        "payment reference, so we can match your transfer."
    ),
    "credit_note": _("A credit note was issued for your pledge. It is attached."),
    "acknowledgement": _(
        "Thank you: we received part of the payment for your pledge. The acknowledgement "
        "attached says what is still due; the receipt follows once the pledge is paid in full."
    ),
}


def load(kind: str, pk: int):
    return MODELS[kind].objects.select_related("pledge", "pledge__event", "organisation").get(pk=pk)


def current_invoice(pledge):
    """The pledge's last invoice (whose purchase-order number its other documents quote)."""
    return Invoice.objects.filter(pledge=pledge).order_by("-year", "-sequence").first()


def pdf_path(kind: str, document) -> Path:
    return (
        Path(settings.PRIVATE_DOCUMENTS_ROOT) / kind / str(document.year) / f"{document.number}.pdf"
    )


def render(kind: str, document) -> bytes:
    """The document's PDF, rendered now, in its organisation's language (right to left in
    Arabic). Rendered once and kept (`pdf_bytes`): an issued document stays as issued."""

    who = document.bank if kind == "invoice" else issuer()
    invoice = document if kind == "invoice" else current_invoice(document.pledge)
    context = {
        "document": document,
        "kind": kind,
        "pledge": document.pledge,
        "issuer": who,
        "po_number": invoice.po_number if invoice is not None else "",
        "tax_lines": tax_lines(document.amount, who) if kind != "acknowledgement" else [],
    }
    if kind == "credit_note":
        context["receipt"] = document.receipt
        context["voided_invoice"] = document.invoice
    with translation.override(organisation_language(document.organisation)):
        return render_pdf(f"finance/pdf/{kind}.html", context)


def pdf_bytes(kind: str, document) -> bytes:
    """The PDF kept for the document, rendering and keeping it the first time. Concurrent
    first calls each write a complete file and the last rename wins (same content)."""
    path = pdf_path(kind, document)
    if path.exists():
        return path.read_bytes()
    content = render(kind, document)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.replace(tmp, path)
    return content


def recipients(document) -> list[str]:
    """The organisation's finance contact (else its primary contact, else its team)."""
    return sponsor_recipients.contact_else_team(document.organisation, ContactRole.FINANCE)


def deliver(kind: str, pk: int) -> bool:
    """Render the PDF (once) and email it to the finance contact (once). True if sent now."""
    document = load(kind, pk)
    content = pdf_bytes(kind, document)
    to = recipients(document)
    with transaction.atomic():
        _delivery, created = Delivery.objects.get_or_create(
            kind=kind, number=document.number, defaults={"recipients": to}
        )
        if not created:
            return False
        pledge = document.pledge
        link = settings.SITE_URL + reverse("pledges:detail", args=[pledge.public_id])
        send_with_attachment(
            subject=SUBJECTS[kind],
            subject_values={"number": document.number, "reference": pledge.reference},
            template="finance/email/document",
            context={
                "document": document,
                "kind": kind,
                "pledge": pledge,
                "intro": INTROS[kind],
                "link": link,
            },
            to=to,
            filename=f"{document.number}.pdf",
            content=content,
            pledge=pledge,
            key=f"finance:{kind}:{document.number}",
        )
    return True


def deliver_after_commit(kind: str, pk: int) -> None:
    """Queue the documents task through the outbox: recorded in the current transaction,
    published once it commits (or later by beat, if the broker is down)."""
    outbox.enqueue(deliver_document, kind, pk, key=f"document:{kind}:{pk}")
