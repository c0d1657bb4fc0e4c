"""What the apps above payments do when money moves here: declared hooks (`core/hooks.py`).

Payments never imports the apps that react to it (finance, agreements, fulfilment…); each of
them registers its steps in its `AppConfig.ready`, with an order number and a name, and
payments runs the list inside the transaction that moves the money, so a failing step rolls
the whole move back.

PAYMENT_REFUNDED — a refund is complete (payment and pledge locked by the caller), before the
    pledge follows what it has kept. Steps get `(refund, *, payment, actor)`.
    10 "issue the credit note" (finance: a credit note against the payment's receipt)
"""

from marketplace.core.hooks import Steps

PAYMENT_REFUNDED = Steps("payment refunded")
