"""Tasks that failed for good: recorded from Celery's `task_failure` signal, re-enqueued by staff.

Celery sends `task_failure` only when a task ends in failure — not when it schedules a retry —
so a row here means either a non-transient error or retries exhausted. Staff read these rows, so
sign-in secrets (reset, confirmation, invitation links) are removed from the arguments, the
error and the traceback before the row is written (`worker/redaction.py`)."""

import json
import logging
import traceback as traceback_module

from celery.signals import task_failure
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone

from worker import outbox, redaction, signals
from worker.models import FailedTask

logger = logging.getLogger(__name__)
MAX_TRACEBACK = 20_000


def _json_safe(value):
    """Task arguments as JSON (they are, with the JSON serializer; eager runs may differ)."""
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        return repr(value)


def record_failure(
    *, task_name: str, task_id: str, args, kwargs, exception, traceback_text: str, retries: int
) -> FailedTask | None:
    """Write a FailedTask row (in its own transaction) and send `worker.signals.task_failed`.
    Never raises: a failure to record is logged, so the original error is what Celery
    reports."""
    try:
        with transaction.atomic():
            failed = FailedTask.objects.create(
                task_name=task_name,
                task_id=task_id or "",
                args=redaction.scrub_data(_json_safe(list(args or []))),
                kwargs=redaction.scrub_data(_json_safe(dict(kwargs or {}))),
                exception=redaction.scrub(f"{type(exception).__name__}: {exception}")[:10_000],
                traceback=redaction.scrub(traceback_text or "")[-MAX_TRACEBACK:],
                retries=retries,
            )
    except DatabaseError:
        logger.exception("Could not record the failure of task %s (%s)", task_name, task_id)
        return None
    signals.send_robustly(signals.task_failed, FailedTask, failed=failed)
    return failed


@task_failure.connect(dispatch_uid="worker.failures.on_task_failure")
def on_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None,
                    traceback=None, einfo=None, **extra):  # fmt: skip
    request = getattr(sender, "request", None)
    if einfo is not None:
        text = str(einfo.traceback)
    elif traceback is not None:
        text = "".join(traceback_module.format_tb(traceback))
    else:
        text = ""
    record_failure(
        task_name=getattr(sender, "name", "") or "",
        task_id=task_id,
        args=args,
        kwargs=kwargs,
        exception=exception,
        traceback_text=text,
        retries=getattr(request, "retries", 0) or 0,
    )


class AlreadyRetried(Exception):
    pass


def retry_failed_task(failed: FailedTask, by=None):
    """Enqueue the failed task again with the same arguments (through the outbox, so after this
    transaction commits). Each record can be re-enqueued once; if the task fails again a new
    record is written. Returns the OutboxMessage; raises AlreadyRetried on a second attempt."""

    with transaction.atomic():
        locked = FailedTask.objects.select_for_update().get(pk=failed.pk)
        if locked.retried_at is not None:
            raise AlreadyRetried(locked.pk)
        args = locked.args if isinstance(locked.args, list) else []
        kwargs = locked.kwargs if isinstance(locked.kwargs, dict) else {}
        message = outbox.enqueue(
            locked.task_name, *args, key=f"retry-failed-task:{locked.pk}", **kwargs
        )
        locked.retried_at = timezone.now()
        locked.retried_by = by
        locked.save(update_fields=["retried_at", "retried_by"])
    failed.retried_at, failed.retried_by = locked.retried_at, locked.retried_by
    return message
