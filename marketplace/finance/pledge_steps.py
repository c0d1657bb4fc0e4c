"""Finance's steps after money moves (declared in `marketplace/pledges/hooks.py` and
`marketplace/payments/hooks.py`), registered by `FinanceConfig.ready`: the documents, and their
postings to the ledger (`ledger.py`) in the same transaction."""

from django.utils.translation import gettext_lazy as _

from marketplace.finance import ledger
from marketplace.finance.acknowledgements import acknowledge_payment
from marketplace.finance.credit_notes import issue_credit_note
from marketplace.finance.invoices import void_open_invoice
from marketplace.finance.receipts import issue_receipt
from marketplace.payments.balance import unreceipted_payments
from marketplace.payments.hooks import (
    PAYMENT_BEYOND_PAID,
    PAYMENT_PART_RECEIVED,
    PAYMENT_RECEIVED,
    REFUND_COMPLETED,
)
from marketplace.payments.models import Payment
from marketplace.payments.states import RECEIVED_STATES
from marketplace.pledges.hooks import PLEDGE_CLOSED, PLEDGE_PAID
from marketplace.pledges.states import PledgeState

CLOSING_REASONS = {
    PledgeState.CANCELLED: _("The pledge was cancelled."),
    PledgeState.EXPIRED: _("The pledge's hold expired unpaid."),
    PledgeState.REJECTED: _("The pledge was rejected."),
}


@PLEDGE_PAID.register(10, "issue the receipt")
def receipt_the_payment(pledge, *, actor=None, **context) -> None:
    """The receipt for the money that paid the pledge, in the same transaction."""
    issue_receipt(pledge, unreceipted_payments(pledge), actor=actor)


@PLEDGE_PAID.register(40, "post to the ledger")
def post_the_paid_pledge(pledge, *, actor=None, payment=None, **context) -> None:
    """A paid pledge's revenue is its total: what no invoice booked is booked now (a card
    pledge), and any received payment not yet posted is posted (settlement posts each one as
    it arrives; this keeps a pledge paid by another path, without its payment, whole)."""
    if payment is None:
        post_unposted_payments(pledge, actor=actor)
    ledger.post_sale(pledge, date=payment.succeeded_at if payment else None, actor=actor)


@PAYMENT_RECEIVED.register(10, "post the payment to the ledger")
def post_the_payment(payment, *, pledge=None, actor=None, **context) -> None:
    """Every payment received is posted when it is recorded: part-payments, over-payments and
    money for a pledge that no longer takes it included (the bank has it either way)."""
    ledger.post_payment(payment, pledge=pledge, actor=actor)


@PAYMENT_BEYOND_PAID.register(10, "issue the receipt")
def receipt_money_beyond_paid(pledge, *, actor=None, **context) -> None:
    """Money received for a pledge already paid is receipted too (finance decides on a refund)."""
    payments = unreceipted_payments(pledge)
    if payments:
        issue_receipt(pledge, payments, actor=actor)


@PAYMENT_PART_RECEIVED.register(10, "acknowledge the payment")
def acknowledge_part_payment(pledge, *, payment, actor=None, **context) -> None:
    """Every amount received is acknowledged; the receipt follows the payment that completes."""
    acknowledge_payment(pledge, payment, actor=actor)


@PLEDGE_CLOSED.register(10, "void the open invoice")
def void_invoice_of_closed_pledge(pledge, *, to_state, actor=None, **context) -> None:
    """A pledge cancelled, expired or rejected unpaid owes nothing: its open invoice is voided
    by a credit note referring to it."""
    void_open_invoice(pledge, reason=str(CLOSING_REASONS.get(to_state, "")), actor=actor)


@REFUND_COMPLETED.register(10, "issue the credit note")
def credit_the_refund(refund, *, payment, actor=None, **context) -> None:
    """A refund of a receipted payment corrects its receipt with a credit note."""
    if payment.receipt_id:
        issue_credit_note(refund, payment.receipt, actor=actor)


@REFUND_COMPLETED.register(20, "post the refund to the ledger")
def post_the_refund(refund, *, payment, actor=None, **context) -> None:
    """The money given back, out of the account it came in through (the credit note posted
    itself when it was issued)."""
    ledger.post_refund(refund, actor=actor)


def post_unposted_payments(pledge, *, actor=None) -> None:
    for payment in Payment.objects.filter(pledge=pledge, status__in=RECEIVED_STATES).exclude(
        pk__in=ledger.posted_payment_ids(pledge)
    ):
        ledger.post_payment(payment, actor=actor)
