"""What follows money moves in the apps above payments: declared here, filled in by them.

Like the pledge's lists (`marketplace/pledges/hooks.py`), each runs inside the transaction that
records the money, in ascending order, and a failing step rolls it all back:

    PAYMENT_RECEIVED      10 post the payment to the ledger (finance)  every payment received,
                                                      part-payments and flagged ones included
    PAYMENT_PART_RECEIVED 10 acknowledge the payment  (finance)  part of a pledge's money arrived
    PAYMENT_BEYOND_PAID   10 issue the receipt        (finance)  money for a pledge already paid
    REFUND_COMPLETED      10 issue the credit note    (finance)  a refund of a receipted payment
                          20 post the refund to the ledger (finance)
    PAYOUT_PAID           10 record the payout and queue its reconciliation (finance)
                                                      Stripe's `payout.paid` webhook

`PAYMENT_RECEIVED` steps get `(payment, pledge=..., actor=...)` (run by `settle`, first);
`PAYMENT_PART_RECEIVED` steps get `(pledge, payment=..., actor=...)` (the pledge locked, still
owing); `PAYMENT_BEYOND_PAID` steps get `(pledge, actor=...)`; `REFUND_COMPLETED` steps get
`(refund, payment=..., actor=...)`; `PAYOUT_PAID` steps get `(payout, event_id=...)` — the
payout as Stripe's event carries it (a dict) — and return a short outcome, stored with the event.
"""

from marketplace.core.hooks import Steps

PAYMENT_RECEIVED = Steps("payment received")
PAYMENT_PART_RECEIVED = Steps("part of a pledge received")
PAYMENT_BEYOND_PAID = Steps("payment beyond a paid pledge")
REFUND_COMPLETED = Steps("refund completed")
PAYOUT_PAID = Steps("payout paid")
