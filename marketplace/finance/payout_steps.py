"""Finance's step on payments' `PAYOUT_PAID` hook (Stripe's `payout.paid` webhook): record
the payout in the webhook's transaction and queue its reconciliation, which reads Stripe (its
balance transactions) outside that transaction, on the worker. Registered in `apps.ready`."""

from marketplace.finance import payouts, tasks
from marketplace.payments.hooks import PAYOUT_PAID
from worker import outbox


@PAYOUT_PAID.register(10, "record the payout and queue its reconciliation (finance)")
def record_and_queue_payout(payout: dict, *, event_id: str = "") -> str:
    record = payouts.record_payout(payout)
    outbox.enqueue(
        tasks.reconcile_payout, record.stripe_id, key=f"reconcile-payout:{record.stripe_id}"
    )
    return f"payout {record.stripe_id} recorded; reconciliation queued"
