"""Posting what happened before the ledger: each invoice, received payment, paid pledge,
completed refund and credit note without its entry gets one, dated when it happened, in the
order the events would have posted (invoices before the sales they cover). Idempotent."""

from django.db import transaction

from marketplace.finance import ledger
from marketplace.finance.models import CreditNote, Invoice, JournalEntry, PostingKind, Receipt
from marketplace.payments.models import Payment, Refund, RefundStatus
from marketplace.payments.states import RECEIVED_STATES
from marketplace.pledges.models import Pledge


def _missing(queryset, prefix):
    posted = JournalEntry.objects.filter(source__startswith=prefix).values_list("source", flat=True)
    done = {int(source.split(":")[1]) for source in posted.iterator()}
    return (obj for obj in queryset.iterator(chunk_size=500) if obj.pk not in done)


def backfill() -> dict[str, int]:
    counts = {"invoices": 0, "payments": 0, "sales": 0, "refunds": 0, "credit notes": 0}
    for invoice in _missing(Invoice.objects.select_related("pledge").order_by("pk"), "invoice:"):
        with transaction.atomic():
            ledger.post_invoice(invoice)
        counts["invoices"] += 1
    payments = Payment.objects.filter(status__in=RECEIVED_STATES).select_related("pledge")
    for payment in _missing(payments.order_by("pk"), "payment:"):
        with transaction.atomic():
            if ledger.post_payment(payment) is not None:
                counts["payments"] += 1
    receipted = Receipt.objects.values("pledge_id")
    sold = JournalEntry.objects.filter(kind=PostingKind.SALE).values("pledge_id")
    for pledge in Pledge.objects.filter(pk__in=receipted).exclude(pk__in=sold).order_by("pk"):
        first = Receipt.objects.filter(pledge=pledge).order_by("issued_at").first()
        with transaction.atomic():
            if ledger.post_sale(pledge, date=first.issued_at) is not None:
                counts["sales"] += 1
    refunds = Refund.objects.filter(status=RefundStatus.SUCCEEDED).select_related("payment__pledge")
    for refund in _missing(refunds.order_by("pk"), "refund:"):
        with transaction.atomic():
            ledger.post_refund(refund)
        counts["refunds"] += 1
    notes = CreditNote.objects.select_related("pledge").order_by("pk")
    for note in _missing(notes, "credit_note:"):
        with transaction.atomic():
            ledger.post_credit_note(note)
        counts["credit notes"] += 1
    return counts
