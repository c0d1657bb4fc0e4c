"""The Celery app, configured from Django settings (`CELERY_*`): queues, the infrastructure's
beat entries and the database connections of workers.

Tasks live beside the services they run, in each installed app's `tasks.py`, found by
`autodiscover_tasks` (this module names no app). Each task declares its queue where it is
defined (`queue_name=`, read by `route_to_declared_queue`), and each app puts its periodic tasks
on beat's schedule in its `tasks.py` (`app.add_periodic_task`).
"""

import os

from celery import Celery, signals
from celery.schedules import crontab
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

QUEUES = ("default", "documents", "mail")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue gets its own exchange and routing key; left implicit, Celery binds all of them to
# the default key and a task routed to one queue would be delivered to every queue.
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]


def route_to_declared_queue(name, args, kwargs, options, task=None, **kw):
    """The queue a task declares (`@shared_task(queue_name="mail")`), else the default one.

    A router rather than Celery's `queue` task attribute, which is deprecated (ignored from
    Celery 6). `task` is the registered task, also when the outbox publishes by name: every
    process registers every task (`WorkerConfig.ready`)."""
    queue = getattr(task, "queue_name", None)
    return {"queue": queue} if queue else None


app.conf.task_routes = (route_to_declared_queue,)
# The beat schedule (run `celery -A worker beat`; `make run` starts it). The infrastructure's
# own entries are here; the apps add theirs, with the same schedules as ever, in their tasks.py:
# - publish-scheduled-pages, every minute: Wagtail's go-live / expiry of pages (cms/tasks.py).
# - expire-overdue-pledge-holds, every minute: pledges whose hold ran out are expired (their
#   sponsors emailed) and freed slots offered to the waiting list (marketplace/pledges/tasks.py).
# - remind-payments, every minute: payment due (3 days to 24 h before a hold ends) and hold
#   about to expire (24 h before; 10 min for a card hold), once per (pledge, hold end)
#   (marketplace/pledges/tasks.py).
# - remind-fulfilment, every hour: sponsors' missing assets (7 and 2 days before the due date),
#   the organisers' daily overdue digest and, after an event, each sponsor's PDF report
#   (marketplace/fulfilment/tasks.py).
# - remind-unsigned-agreements, every hour: agreements still unsigned N days after they were
#   sent (N from the event's AgreementPolicy) are chased, once per window; and
#   clear-signature-evidence, daily: signers' IP address and user agent are cleared
#   SIGNATURE_EVIDENCE_YEARS after signing (marketplace/agreements/tasks.py).
# - screen-sponsors, daily at 03:17: every organisation against the stored UN sanctions list
#   (sponsors/tasks.py).
# - pipeline-reminders, daily: next actions due, agreements expiring in 90 / 30 days
#   (register/pipeline/tasks.py).
# Reminders are idempotent per window: the MailLog key (kind, object, window) is unique.
app.conf.beat_schedule = {
    # Tasks whose publish at commit failed (Redis down) are published now; sent outbox rows
    # older than OUTBOX_RETENTION_DAYS are deleted.
    "flush-outbox": {
        "task": "worker.tasks.maintenance.flush_outbox",
        "schedule": crontab(),  # every minute
    },
    # Mail-log rows older than MAIL_LOG_RETENTION_DAYS are deleted.
    "purge-mail-log": {
        "task": "worker.tasks.maintenance.purge_mail_log",
        "schedule": crontab(minute=17, hour=3),  # daily, at 03:17
    },
}
# The installed apps' `tasks` modules, imported when a worker or beat starts. Every other
# process (web, manage.py) imports them when Django is ready (`WorkerConfig.ready`).
app.autodiscover_tasks()

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
    # Imported here: Celery loads this module before Django is set up.
    from django.db import close_old_connections

    close_old_connections()
