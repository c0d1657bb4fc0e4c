"""Finance's steps after money moves (declared in `marketplace/pledges/hooks.py` and
`marketplace/payments/hooks.py`), registered by `FinanceConfig.ready`."""

from marketplace.finance.credit_notes import issue_credit_note
from marketplace.finance.receipts import issue_receipt
from marketplace.payments.balance import unreceipted_payments
from marketplace.payments.hooks import PAYMENT_BEYOND_PAID, REFUND_COMPLETED
from marketplace.pledges.hooks import PLEDGE_PAID


@PLEDGE_PAID.register(10, "issue the receipt")
def receipt_the_payment(pledge, *, actor=None, **context) -> None:
    """The receipt for the money that paid the pledge, in the same transaction."""
    issue_receipt(pledge, unreceipted_payments(pledge), actor=actor)


@PAYMENT_BEYOND_PAID.register(10, "issue the receipt")
def receipt_money_beyond_paid(pledge, *, actor=None, **context) -> None:
    """Money received for a pledge already paid is receipted too (finance decides on a refund)."""
    payments = unreceipted_payments(pledge)
    if payments:
        issue_receipt(pledge, payments, actor=actor)


@REFUND_COMPLETED.register(10, "issue the credit note")
def credit_the_refund(refund, *, payment, actor=None, **context) -> None:
    """A refund of a receipted payment corrects its receipt with a credit note."""
    if payment.receipt_id:
        issue_credit_note(refund, payment.receipt, actor=actor)
