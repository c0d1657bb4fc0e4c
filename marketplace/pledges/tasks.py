"""The pledges' periodic tasks (beat): expire overdue holds and offer freed slots to waiting
lists, and remind sponsors of payments due and holds about to expire.

Thin and safe to run twice. Reminders are sent once per window whatever the number of workers
or runs: the MailLog key names (reminder, object, window) and is unique (see reminders.py).
"""

from celery import shared_task
from celery.schedules import crontab

from marketplace.pledges import reminders, services, waitlist
from worker.app import app
from worker.base import BaseTask


@shared_task(queue_name="default", ignore_result=True)
def expire_overdue_holds() -> dict:
    """Expire holds whose time ran out (emailing their sponsors), then offer any free slots to
    the organisations waiting for them. Safe to run twice: the second run finds nothing."""
    return {
        "expired": services.expire_overdue(),
        "offered": waitlist.offer_all_waiting(),
    }


@shared_task(base=BaseTask, queue_name="default")
def remind_payments() -> dict:
    """Payment due (3 days to 24 hours before the hold ends) and hold about to expire (24 hours
    before; 10 minutes for a card hold of minutes, held or in checkout)."""
    return reminders.send_payment_reminders()


app.add_periodic_task(crontab(), expire_overdue_holds.s(), name="expire-overdue-pledge-holds")
# Every minute: a card hold's window is 10 minutes.
app.add_periodic_task(crontab(), remind_payments.s(), name="remind-payments")
