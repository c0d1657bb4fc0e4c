"""Reminders from beat. Each sends an email once per window whatever the number of workers or
runs: the MailLog key names (reminder, object, window) and is unique. See the services for the
windows: marketplace/pledges/reminders.py, marketplace/fulfilment/reminders.py and report.py."""

from celery import shared_task

from marketplace.fulfilment import reminders as fulfilment_reminders
from marketplace.fulfilment import report
from marketplace.pledges import reminders as pledge_reminders
from worker.base import BaseTask


@shared_task(base=BaseTask, name="worker.tasks.reminders.remind_payments")
def remind_payments() -> dict:
    """Payment due (3 days to 24 hours before the hold ends) and hold about to expire (24 hours
    before; 10 minutes for a card hold)."""
    return pledge_reminders.send_payment_reminders()


@shared_task(base=BaseTask, name="worker.tasks.reminders.remind_fulfilment")
def remind_fulfilment() -> dict:
    """Assets missing (7 and 2 days before their due date), the organisers' overdue digest
    (daily) and the sponsors' post-event reports (once)."""
    return {
        "assets_missing": fulfilment_reminders.send_asset_reminders(),
        "overdue_digests": fulfilment_reminders.send_overdue_digests(),
        "reports": report.send_post_event_reports(),
    }
