"""Credit notes: the correction of a receipt when money goes back, and the cancellation of an
invoice that will not be paid (the pledge was cancelled, expired or rejected, or the invoice
is re-issued)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.finance import ledger, numbering, snapshots
from marketplace.finance.models import CreditNote
from marketplace.finance.pdfs import deliver_after_commit


def issue_credit_note(refund, receipt, *, actor=None) -> CreditNote:
    """Issue `CN-<year>-<5 digits>` for `refund` against `receipt`, inside the caller's
    transaction: the payer as on the receipt, one line naming the receipt, the refunded amount
    and the reason. Emailed to the finance contact after commit."""
    number = numbering.next_number(numbering.CREDIT_NOTE)
    pledge = receipt.pledge
    note = CreditNote.objects.create(
        number=str(number),
        year=number.year,
        sequence=number.sequence,
        pledge=pledge,
        organisation=receipt.organisation,
        payer=receipt.payer,
        lines=[
            {
                "description": _("Refund against receipt %(receipt)s (pledge %(reference)s)")
                % {"receipt": receipt.number, "reference": pledge.reference},
                "reference": pledge.reference,
                "quantity": 1,
                "unit_price": snapshots.money(refund.amount),
                "amount": snapshots.money(refund.amount),
            }
        ],
        amount=refund.amount,
        currency=refund.currency,
        receipt=receipt,
        refund=refund,
        reason=refund.reason,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    ledger.post_credit_note(note, actor=actor)
    deliver_after_commit("credit_note", note.pk)
    return note


def void_invoice(invoice, *, reason: str, actor=None) -> CreditNote:
    """Void `invoice` by a credit note that refers to it, inside the caller's transaction
    (which holds the pledge's lock): the invoice's payer and its lines negated, as issued, and
    the reason. An invoice is voided once (a database constraint); it is emailed to the
    finance contact after commit."""
    number = numbering.next_number(numbering.CREDIT_NOTE)
    lines = [
        {
            **line,
            "unit_price": snapshots.money(-Decimal(line["unit_price"])),
            "amount": snapshots.money(-Decimal(line["amount"])),
        }
        for line in invoice.lines
    ]
    lines.insert(
        0,
        {
            "description": _("Cancels invoice %(invoice)s (pledge %(reference)s)")
            % {"invoice": invoice.number, "reference": invoice.pledge.reference},
            "reference": invoice.pledge.reference,
            "quantity": "",
            "unit_price": "",
            "amount": "",
        },
    )
    note = CreditNote.objects.create(
        number=str(number),
        year=number.year,
        sequence=number.sequence,
        pledge=invoice.pledge,
        organisation=invoice.organisation,
        payer=invoice.payer,
        lines=lines,
        amount=invoice.amount,
        currency=invoice.currency,
        invoice=invoice,
        reason=reason,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    ledger.post_credit_note(note, actor=actor)
    deliver_after_commit("credit_note", note.pk)
    return note
