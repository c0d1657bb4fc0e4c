"""The Celery app, configured from Django settings (`CELERY_*`), with routing and beat in code."""

import os

from celery import Celery, signals
from celery.schedules import crontab
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

QUEUES = ("default", "documents", "mail")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_routes = {
    "worker.tasks.documents.*": {"queue": "documents"},
    "worker.tasks.mail.*": {"queue": "mail"},
}
# Each queue gets its own exchange and routing key; left implicit, Celery binds all of them to
# the default key and a task routed to one queue would be delivered to every queue.
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
# The beat schedule, in code (run `celery -A worker beat`; `make run` starts it):
# - publish-scheduled-pages, every minute: Wagtail's go-live / expiry of pages.
# - expire-overdue-pledge-holds, every minute: pledges whose hold ran out are expired (their
#   sponsors emailed) and freed slots offered to the waiting list.
# - flush-outbox, every minute: tasks whose publish at commit failed (Redis down) are published
#   now; sent outbox rows older than OUTBOX_RETENTION_DAYS are deleted.
# - remind-unsigned-agreements, every hour: agreements still unsigned N days after they were
#   sent (N from the event's AgreementPolicy) are chased, once per window.
# - remind-payments, every minute: payment due (3 days to 24 h before a hold ends) and hold
#   about to expire (24 h before; 10 min for a card hold), once per (pledge, hold end).
# - screen-sponsors, daily at 03:17: every organisation against the stored UN sanctions list.
# - remind-fulfilment, every hour: sponsors' missing assets (7 and 2 days before the due date),
#   the organisers' daily overdue digest and, after an event, each sponsor's PDF report.
# - purge-mail-log, daily: mail-log rows older than MAIL_LOG_RETENTION_DAYS are deleted.
# - clear-signature-evidence, daily: signers' IP address and user agent are cleared
#   SIGNATURE_EVIDENCE_YEARS after signing (marketplace/agreements/retention.py).
# Reminders are idempotent per window: the MailLog key (kind, object, window) is unique.
app.conf.beat_schedule = {
    "publish-scheduled-pages": {
        "task": "worker.tasks.maintenance.publish_scheduled",
        "schedule": crontab(),  # every minute
    },
    "expire-overdue-pledge-holds": {
        "task": "worker.tasks.pledges.expire_overdue_holds",
        "schedule": crontab(),  # every minute
    },
    "flush-outbox": {
        "task": "worker.tasks.maintenance.flush_outbox",
        "schedule": crontab(),  # every minute
    },
    "remind-payments": {
        "task": "worker.tasks.reminders.remind_payments",
        "schedule": crontab(),  # every minute: a card hold's window is 10 minutes
    },
    "remind-fulfilment": {
        "task": "worker.tasks.reminders.remind_fulfilment",
        "schedule": crontab(minute=5),  # every hour, at :05
    },
    "remind-unsigned-agreements": {
        "task": "worker.tasks.agreements.remind_unsigned",
        "schedule": crontab(minute=7),  # every hour, at :07
    },
    "screen-sponsors": {
        "task": "worker.tasks.sponsors.screen_sponsors",
        "schedule": crontab(hour=3, minute=17),  # daily: the sanctions list changes often
    },
    # Resource mobilisation: next actions due, agreements expiring in 90 / 30 days (once each).
    "pipeline-reminders": {
        "task": "register.pipeline.tasks.send_reminders",
        "schedule": crontab(hour=6, minute=15),  # daily, at 06:15
    },
    "purge-mail-log": {
        "task": "worker.tasks.maintenance.purge_mail_log",
        "schedule": crontab(minute=17, hour=3),  # daily, at 03:17
    },
    "clear-signature-evidence": {
        "task": "worker.tasks.agreements.clear_signature_evidence",
        "schedule": crontab(hour=3, minute=27),  # daily, at 03:27
    },
}
app.autodiscover_tasks(lambda: ["worker"], related_name="tasks")
# Apps that keep their tasks in their own `tasks.py` (found by name: the worker imports no
# domain code).
app.autodiscover_tasks(lambda: ["register.pipeline"], related_name="tasks")

# Database connections in workers live as CONN_MAX_AGE says, as in the web processes. Celery's
# Django fix-up would otherwise close every connection before and after each task (unless
# CELERY_DB_REUSE_MAX is set), so each task paid a new PostgreSQL connection: a server backend
# forked, authenticated, 10-20 ms and a share of the server's CPU. Instead, around each task,
# `close_old_connections` drops only a connection that is too old, broken or left outside
# autocommit, and CONN_HEALTH_CHECKS pings a reused one before its first query.
app.conf.CELERY_DB_REUSE_MAX = 10**9  # read by the fix-up: never close for reuse's sake


@signals.task_prerun.connect
@signals.task_postrun.connect
def _recycle_old_connections(task=None, **kwargs):
    if task is not None and getattr(task.request, "is_eager", False):
        return  # in-process (tests): the caller's transaction owns the connection
    from django.db import close_old_connections

    close_old_connections()
