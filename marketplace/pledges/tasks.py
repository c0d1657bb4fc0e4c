"""The pledges' tasks: the emails about a pledge's changes (mail queue, queued by
`mail.notify_all` in the transaction of the change), and the periodic ones (beat): expire
overdue holds and offer freed slots to waiting lists, and remind sponsors of payments due and
holds about to expire.

Thin and safe to run twice. Reminders are sent once per window whatever the number of workers
or runs: the MailLog key names (reminder, object, window) and is unique (see reminders.py).
"""

from celery import shared_task
from celery.schedules import crontab

from marketplace.pledges import mail, reminders, services, waitlist
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


@shared_task(base=BaseTask, queue_name="mail")
def send_pledge_mail(pledge_id: int, kinds: list, change: int | None, reason="", language=None):
    """Render, log and queue the emails about one change of a pledge (`mail.notify_all` queued
    it in the transaction that made the change). Safe to run twice: the mail log's key names
    (pledge, kind, change), so a second run sends nothing more."""
    mail.send_notifications(pledge_id, kinds, change, reason, language)
