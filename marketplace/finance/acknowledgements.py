"""Payment acknowledgements: every part-payment is acknowledged, the receipt follows the last.

A transfer of 30,000 towards a pledge of 40,000 is acknowledged at once — `ACK-<year>-<5
digits>`, emailed as a PDF to the finance contact: this amount, received so far, still due.
When the rest arrives the pledge is paid and its receipt is issued for everything received,
as for a pledge paid in one go (`receipts.py`), so the pledge has one receipt, matching its
invoice. Why acknowledgements rather than one receipt per payment: README, "Part-payments".
"""

from django.utils.translation import gettext as _

from marketplace.finance import numbering, snapshots
from marketplace.finance.balance import balance_of
from marketplace.finance.models import PaymentAcknowledgement
from marketplace.finance.pdfs import deliver_after_commit


def acknowledge_payment(pledge, payment, *, actor=None) -> PaymentAcknowledgement:
    """Issue the acknowledgement of `payment` (received, the pledge still owing), inside the
    transaction that recorded it: the payer, one line for the payment, what the pledge has
    received to date and what is still due. Once per payment (a database constraint); emailed
    after commit."""
    existing = PaymentAcknowledgement.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    balance = balance_of(pledge)
    number = numbering.next_number(numbering.ACKNOWLEDGEMENT)
    reference = payment.bank_reference or payment.stripe_payment_intent or str(payment.public_id)
    acknowledgement = PaymentAcknowledgement.objects.create(
        number=str(number),
        year=number.year,
        sequence=number.sequence,
        pledge=pledge,
        organisation=pledge.organisation,
        payer=snapshots.payer(pledge.organisation),
        lines=[
            {
                "description": _("Part-payment towards pledge %(reference)s (%(bank)s)")
                % {"reference": pledge.reference, "bank": reference},
                "reference": pledge.reference,
                "quantity": 1,
                "unit_price": snapshots.money(payment.amount),
                "amount": snapshots.money(payment.amount),
            }
        ],
        amount=payment.amount,
        currency=payment.currency,
        payment=payment,
        received_to_date=balance.net,
        due_after=balance.due,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    deliver_after_commit("acknowledgement", acknowledgement.pk)
    return acknowledgement
