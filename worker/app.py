"""The Celery app, configured from Django settings (`CELERY_*`), with routing and beat in code."""

import os

from celery import Celery
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
# Reminders (payment due, holds expiring, assets missing, agreements unsigned) come with the
# agreements and fulfilment work; each must be idempotent per window (outbox / mail keys).
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
}
app.autodiscover_tasks(lambda: ["worker"], related_name="tasks")
