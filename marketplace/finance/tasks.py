"""Finance's Celery tasks: render a receipt, invoice or credit note to PDF and email it once
(`documents` queue), beat's daily overdue-invoice reminders, and Stripe's reconciliation (a
paid payout, on its webhook; the last days' payouts, fees and the balance check, daily).

Thin and safe to run twice. `documents.py` enqueues it by object, so it imports this module;
the task imports `documents` when it runs, which keeps that a one-way import.
"""

import datetime

from celery import shared_task
from celery.schedules import crontab
from django.utils import timezone

from marketplace.finance import aging, payouts, stripe_balance
from marketplace.payments import stripe_gateway
from worker.app import app
from worker.base import TRANSIENT_ERRORS, BaseTask

# Stripe unreachable (or refusing for a while) is worth retrying: the read changes nothing.
STRIPE_RETRY = (*TRANSIENT_ERRORS, stripe_gateway.GatewayError)


@shared_task(bind=True, base=BaseTask, queue_name="documents")
def deliver_document(self, kind: str, pk: int) -> bool:
    """Render the document's PDF (kept privately) and email it to the organisation's finance
    contact through the mail log. Safe to run twice: the second run sends nothing."""
    from marketplace.finance import pdfs  # at run time: pdfs imports this module

    return pdfs.deliver(kind, pk)


@shared_task(base=BaseTask, queue_name="default", max_retries=0)
def remind_overdue_invoices() -> int:
    """Email the finance contact of each overdue invoice once per window of days past due
    (`aging.remind_overdue`; the mail log's key makes reruns send nothing). Beat runs it daily."""
    return aging.remind_overdue()


app.add_periodic_task(
    crontab(hour=6, minute=17),  # daily, at 06:17
    remind_overdue_invoices.s(),
    name="remind-overdue-invoices",
)


@shared_task(base=BaseTask, queue_name="default", autoretry_for=STRIPE_RETRY)
def reconcile_payout(stripe_id: str) -> str:
    """Read a paid payout and its balance transactions from Stripe; record the fees and post
    the payout (`payouts.reconcile_payout`). Safe to run twice: the second posts nothing."""
    return payouts.reconcile_payout(stripe_id).line()


@shared_task(base=BaseTask, queue_name="default", autoretry_for=STRIPE_RETRY)
def reconcile_stripe() -> str:
    """Daily: the last days' balance transactions and paid payouts, then Stripe's balance
    against the clearing account (a difference is a flag). Nothing to do without Stripe keys
    (the stand-in takes no real money)."""
    if not stripe_gateway.is_configured():
        return "skipped: Stripe is not configured"
    since = timezone.localdate() - datetime.timedelta(days=payouts.RECONCILE_DAYS)
    done = payouts.reconcile_recent(since=since)
    differences = stripe_balance.check_balance()
    return f"{len(done)} payouts read, {len(differences)} balance differences"


app.add_periodic_task(
    crontab(hour=5, minute=43),  # daily, before the working day (Stripe pays out overnight)
    reconcile_stripe.s(),
    name="reconcile-stripe",
)
