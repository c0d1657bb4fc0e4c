"""Does the ledger agree with the documents and the payments? (`manage.py check_ledger`)

Each disagreement is one sentence naming the entry, document or payment:

* an entry that does not balance (debits ≠ credits), has fewer than two lines, or a line that
  is not one positive debit or credit;
* an invoice, credit note, received payment or completed refund without its entry, or whose
  entry's amount or currency differs from it;
* an entry for a payment that was never received, or a refund that did not complete;
* a paid pledge whose revenue in the ledger is not its total;
* a currency whose unallocated account does not hold what the unallocated transfers still
  hold (received, less allocated, less returned).

Read in a bounded number of queries, streaming (`iterator`), whatever the size of the ledger.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from marketplace.finance import ledger
from marketplace.finance.models import (
    Allocation,
    CreditNote,
    Invoice,
    JournalEntry,
    JournalLine,
    PostingKind,
    UnallocatedTransfer,
)
from marketplace.payments.models import Payment, Refund, RefundStatus
from marketplace.payments.states import RECEIVED_STATES
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PAID_STATES

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _entry_totals():
    """{entry id: (debits, credits, lines, kind, source, currency, document)}."""
    return (
        JournalEntry.objects.annotate(
            debits=Sum("lines__debit"),
            credits=Sum("lines__credit"),
            line_count=Count("lines"),
            bad_lines=Count(
                "lines",
                filter=Q(lines__debit__lt=0)
                | Q(lines__credit__lt=0)
                | Q(lines__debit__gt=0, lines__credit__gt=0)
                | Q(lines__debit=0, lines__credit=0),
            ),
        )
        .values(
            "pk",
            "kind",
            "source",
            "currency",
            "document",
            "debits",
            "credits",
            "line_count",
            "bad_lines",
            "invoice_id",
            "credit_note_id",
            "payment_id",
            "refund_id",
            "pledge_id",
        )
        .order_by("pk")
    )


def disagreements() -> list[str]:
    problems: list[str] = []
    by_invoice, by_note, by_payment, by_refund = {}, {}, {}, {}
    for row in _entry_totals().iterator(chunk_size=2000):
        name = f"JE-{row['pk']:07d} ({row['source']})"
        debits = (row["debits"] or ZERO).quantize(CENT)
        credits = (row["credits"] or ZERO).quantize(CENT)
        if row["line_count"] < 2:
            problems.append(f"{name}: {row['line_count']} line(s); an entry needs two or more.")
        if row["bad_lines"]:
            problems.append(f"{name}: a line is not one positive debit or credit.")
        if debits != credits:
            problems.append(
                f"{name}: does not balance, debits {debits} ≠ credits {credits} {row['currency']}."
            )
        amount = (debits, row["currency"])
        if row["kind"] == PostingKind.INVOICE:
            by_invoice[row["invoice_id"]] = (name, amount)
        elif row["kind"] == PostingKind.CREDIT_NOTE:
            by_note[row["credit_note_id"]] = (name, amount)
        elif row["kind"] in (PostingKind.PAYMENT, PostingKind.ALLOCATION) and row["payment_id"]:
            if row["kind"] == PostingKind.PAYMENT or row["payment_id"] not in by_payment:
                by_payment[row["payment_id"]] = (name, amount)
        elif row["kind"] == PostingKind.REFUND:
            by_refund[row["refund_id"]] = (name, amount)

    def compare(label, number, amount, currency, posted):
        if posted is None:
            problems.append(f"{label} {number} ({currency} {amount}) has no journal entry.")
            return
        name, (posted_amount, posted_currency) = posted
        amount = Decimal(amount).quantize(CENT)
        if posted_amount != amount or posted_currency != currency:
            problems.append(
                f"{label} {number} is {currency} {amount} but {name} posts "
                f"{posted_currency} {posted_amount}."
            )

    for pk, number, amount, currency in Invoice.objects.values_list(
        "pk", "number", "amount", "currency"
    ).iterator(chunk_size=2000):
        compare("Invoice", number, amount, currency, by_invoice.pop(pk, None))
    for pk, number, amount, currency in CreditNote.objects.values_list(
        "pk", "number", "amount", "currency"
    ).iterator(chunk_size=2000):
        compare("Credit note", number, amount, currency, by_note.pop(pk, None))
    for pk, public_id, status, amount, currency in Payment.objects.values_list(
        "pk", "public_id", "status", "amount", "currency"
    ).iterator(chunk_size=2000):
        posted = by_payment.pop(pk, None)
        if status in RECEIVED_STATES:
            compare("Payment", public_id, amount, currency, posted)
        elif posted is not None:
            problems.append(f"{posted[0]} posts payment {public_id}, which is {status}.")
    for pk, public_id, status, amount, currency in Refund.objects.values_list(
        "pk", "public_id", "status", "amount", "currency"
    ).iterator(chunk_size=2000):
        posted = by_refund.pop(pk, None)
        if status == RefundStatus.SUCCEEDED:
            compare("Refund", public_id, amount, currency, posted)
        elif posted is not None:
            problems.append(f"{posted[0]} posts refund {public_id}, which is {status}.")
    for leftovers in (by_invoice, by_note, by_refund):
        for name, _amount in leftovers.values():
            problems.append(f"{name}: its source document does not exist.")

    problems.extend(_revenue_disagreements())
    problems.extend(_unallocated_disagreements())
    return problems


def _unallocated_disagreements() -> list[str]:
    """The unallocated account per currency against the transfers: three aggregate queries."""
    held = defaultdict(lambda: ZERO)
    for currency, received, returned in (
        UnallocatedTransfer.objects.values("currency")
        .annotate(r=Sum("amount"), b=Sum("returned_amount"))
        .values_list("currency", "r", "b")
    ):
        held[currency] += (received or ZERO) - (returned or ZERO)
    for currency, allocated in (
        Allocation.objects.values("transfer__currency")
        .annotate(a=Sum("amount"))
        .values_list("transfer__currency", "a")
    ):
        held[currency] -= allocated or ZERO
    posted = defaultdict(lambda: ZERO)
    for currency, credit, debit in (
        JournalLine.objects.filter(account=ledger.UNALLOCATED)
        .values("entry__currency")
        .annotate(c=Sum("credit"), d=Sum("debit"))
        .values_list("entry__currency", "c", "d")
    ):
        posted[currency] = (credit or ZERO) - (debit or ZERO)
    return [
        f"Unallocated transfers hold {currency} {held[currency].quantize(CENT)} but the ledger's "
        f"unallocated account holds {currency} {posted[currency].quantize(CENT)}."
        for currency in sorted(set(held) | set(posted))
        if held[currency].quantize(CENT) != posted[currency].quantize(CENT)
    ]


def _revenue_disagreements() -> list[str]:
    revenue = defaultdict(lambda: ZERO)
    for pledge_id, credit, debit in (
        JournalLine.objects.filter(account=ledger.REVENUE, entry__pledge__status__in=PAID_STATES)
        .values("entry__pledge_id")
        .annotate(c=Sum("credit"), d=Sum("debit"))
        .values_list("entry__pledge_id", "c", "d")
    ):
        revenue[pledge_id] = ((credit or ZERO) - (debit or ZERO)).quantize(CENT)
    problems = []
    for pk, reference, total, currency in (
        Pledge.objects.filter(status__in=PAID_STATES)
        .values_list("pk", "reference", "total", "currency")
        .order_by("pk")
        .iterator(chunk_size=2000)
    ):
        if revenue[pk] != total.quantize(CENT):
            problems.append(
                f"Pledge {reference} is paid ({currency} {total}) but its revenue in the ledger "
                f"is {currency} {revenue[pk]}."
            )
    return problems


def summary() -> dict:
    """Entries, lines and the trial balance per currency and account."""
    rows = (
        JournalLine.objects.values(currency=F("entry__currency"), acct=F("account"))
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by("currency", "acct")
    )
    return {
        "entries": JournalEntry.objects.count(),
        "lines": JournalLine.objects.count(),
        "trial_balance": [
            (r["currency"], r["acct"], r["d"].quantize(CENT), r["c"].quantize(CENT)) for r in rows
        ],
    }
