"""Receipts: issued in the transaction that records the money, numbered without gaps."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.finance import numbering, snapshots
from marketplace.finance.models import Adjustment, Receipt
from marketplace.finance.pdfs import deliver_after_commit


def issue_receipt(pledge, payments, *, actor=None) -> Receipt:
    """Issue `RCPT-<year>-<5 digits>` for `payments` (succeeded, not yet receipted) of
    `pledge`, inside the caller's transaction, and link them to it. The receipt snapshots the
    payer, the pledge line, the payments and the amount received; it never changes afterwards.
    Its PDF is rendered and emailed to the finance contact after commit."""
    payments = list(payments)
    if not payments:
        raise ValueError("A receipt needs at least one payment.")
    amount = sum((p.amount for p in payments), Decimal("0"))
    line = snapshots.pledge_line(pledge)
    already_receipted = Receipt.objects.filter(pledge=pledge).exists()
    if already_receipted:
        lines = [
            {
                "description": _("Payment received for pledge %(reference)s beyond its total")
                % {"reference": pledge.reference},
                "reference": pledge.reference,
                "quantity": 1,
                "unit_price": snapshots.money(amount),
                "amount": snapshots.money(amount),
            }
        ]
    else:
        lines = [line]
        # What settled the pledge without money (bank charges, a write-off) is shown, so the
        # lines add up to the amount received.
        for adjustment in Adjustment.objects.filter(pledge=pledge).order_by("created_at", "pk"):
            lines.append(
                {
                    "description": str(adjustment.get_kind_display()),
                    "reference": pledge.reference,
                    "quantity": 1,
                    "unit_price": snapshots.money(-adjustment.amount),
                    "amount": snapshots.money(-adjustment.amount),
                }
            )
        if amount > pledge.total:
            extra = amount - pledge.total
            lines.append(
                {
                    "description": _("Received beyond the pledge's total (to be refunded)"),
                    "reference": pledge.reference,
                    "quantity": 1,
                    "unit_price": snapshots.money(extra),
                    "amount": snapshots.money(extra),
                }
            )
    methods = sorted({p.method for p in payments})
    number = numbering.next_number(numbering.RECEIPT)
    receipt = Receipt.objects.create(
        number=str(number),
        year=number.year,
        sequence=number.sequence,
        pledge=pledge,
        organisation=pledge.organisation,
        payer=snapshots.payer(pledge.organisation),
        lines=lines,
        amount=amount,
        currency=pledge.currency,
        method=",".join(methods),
        payments=[
            {
                "method": p.method,
                "amount": snapshots.money(p.amount),
                "received_at": (p.succeeded_at.isoformat() if p.succeeded_at else ""),
                "reference": p.bank_reference or p.stripe_payment_intent or str(p.public_id),
                "value_date": p.value_date.isoformat() if p.value_date else "",
            }
            for p in payments
        ],
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    type(payments[0]).objects.filter(pk__in=[p.pk for p in payments]).update(receipt=receipt)

    deliver_after_commit("receipt", receipt.pk)
    return receipt


def receipts_of(pledge):
    return Receipt.objects.filter(pledge=pledge).order_by("year", "sequence")


def issue_in_own_transaction(pledge, payments, actor=None) -> Receipt:
    with transaction.atomic():
        return issue_receipt(pledge, payments, actor=actor)
