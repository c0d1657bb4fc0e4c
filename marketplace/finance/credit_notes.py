"""Credit notes: the correction of a receipt when money goes back."""

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
