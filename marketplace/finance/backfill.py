"""Catching up with what happened before a rule existed, idempotently.

`backfill`: posting what happened before the ledger: each invoice, received payment, paid
pledge, completed refund and credit note without its entry gets one, dated when it happened, in
the order the events would have posted (invoices before the sales they cover).

`void_stale_invoices`: a pledge cancelled, expired or rejected before closing a pledge voided
its open invoice (the `PLEDGE_CLOSED` step) still lists that invoice as owed; each such invoice
is voided now by a credit note referring to it, as the step would have done.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.finance import ledger
from marketplace.finance.invoices import void_open_invoice
from marketplace.finance.models import CreditNote, Invoice, JournalEntry, PostingKind, Receipt
from marketplace.finance.pledge_steps import CLOSING_REASONS
from marketplace.payments.models import Payment, Refund, RefundStatus
from marketplace.payments.states import RECEIVED_STATES
from marketplace.pledges.models import Pledge
from marketplace.pledges.moves import lock_pledge


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


def stale_invoice_pledges():
    """Closed pledges (cancelled, expired, rejected) whose current invoice is not void."""
    closed = Pledge.objects.filter(status__in=list(CLOSING_REASONS))
    open_invoices = Invoice.objects.filter(pledge__in=closed, void_note__isnull=True)
    return closed.filter(pk__in=open_invoices.values("pledge_id")).order_by("pk")


def void_stale_invoices(*, dry_run: bool = False) -> list[tuple[str, str, str]]:
    """Void the open invoice of every pledge closed unpaid before the void step existed, one
    pledge per transaction under its lock, each by a credit note referring to the invoice (with
    its ledger entry and its email to the finance contact after commit, as the step does).
    Returns (pledge reference, invoice number, credit note number or "" in a dry run). Safe to
    run again: a void invoice, or a pledge paid meanwhile, is left alone."""
    done = []
    for pledge in stale_invoice_pledges().iterator(chunk_size=500):
        with transaction.atomic():
            locked = lock_pledge(pledge)
            reason = CLOSING_REASONS.get(locked.status)
            if reason is None:  # paid (a late transfer) since it was listed
                continue
            invoice = Invoice.objects.filter(pledge=locked).order_by("-year", "-sequence").first()
            if dry_run:
                if invoice is not None and not invoice.is_void:
                    done.append((locked.reference, invoice.number, ""))
                continue
            note = void_open_invoice(
                locked,
                reason=_(
                    "%(reason)s Voided afterwards: the pledge closed before closing voided "
                    "its invoice."
                )
                % {"reason": reason},
            )
            if note is not None:
                done.append((locked.reference, note.invoice.number, note.number))
    return done
