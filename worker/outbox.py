"""The transactional outbox: enqueue Celery tasks so that committing never depends on the broker.

    from worker import outbox
    from marketplace.agreements.tasks import issue_agreement

    with transaction.atomic():
        pledge.mark_paid()
        outbox.enqueue(issue_agreement, pledge.pk, 1, key=f"agreement:{pledge.pk}:v1")

`enqueue` writes an OutboxMessage row in the *current* transaction and, once it commits, tries
to publish the task. If the broker (Redis) is down the commit still succeeds and the row stays
pending; `flush_outbox` (the beat task every minute, or `manage.py flush_outbox`) publishes it
when the broker is back. A row is marked sent only after the broker accepted the message.
Rolled back transactions leave nothing behind: no row, no task.

Delivery is at least once (a publish that succeeded but whose "sent" mark was lost is published
again), so tasks must be idempotent; the task id is derived from the key, which helps tracing.
With CELERY_TASK_ALWAYS_EAGER (tests) the task runs in-process when the transaction commits.

The row keeps the task's registered name (`task.name`) and the task is published by that name,
so this module needs no task imported: each task declares its queue (`queue_name=`, routed by
`worker.app`), and every process registers every task once Django is ready
(`WorkerConfig.ready`).
"""

import contextlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from worker.app import app
from worker.models import OutboxMessage

logger = logging.getLogger(__name__)

TASK_ID_NAMESPACE = uuid.UUID("6b1f0b4e-5f53-4c8e-9a55-6d2b9f1e0a11")
# Publishing is retried by the outbox itself, so the broker gets a short chance only: a request
# that commits while Redis is down waits well under a second for it.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1}
MAX_ERROR = 2000


def task_id_for(key: str) -> str:
    """The Celery task id for an outbox key: the same key always gives the same id."""
    return str(uuid.uuid5(TASK_ID_NAMESPACE, key))


def enqueue(task, *args, key: str | None = None, **kwargs) -> OutboxMessage:
    """Record `task(*args, **kwargs)` in the current transaction and publish it after commit.

    `task` is the task itself (its registered name is stored); a registered name is accepted
    too, for what was stored by name (a failed task retried). Arguments must be JSON
    (ids, strings, numbers). `key` makes the call idempotent: enqueuing a key that is already
    recorded returns the existing row and queues nothing more (keys are kept
    OUTBOX_RETENTION_DAYS after sending). Without a key each call is a new message.
    A task keyword argument cannot be called `key`. Inside `batch()` the row is written with
    the batch's others, in one statement, when the batch ends."""
    name = getattr(task, "name", task)
    if not isinstance(name, str) or not name:
        raise ValueError("enqueue() needs a task (or a task's registered name).")
    key = key or f"uuid:{uuid.uuid4()}"
    message = OutboxMessage(
        key=key, task_name=name, args=list(args), kwargs=kwargs, task_id=task_id_for(key)
    )
    pending = getattr(transaction.get_connection(), BATCH_ATTRIBUTE, None)
    if pending is not None:
        # Marked with an on-commit callback of its own: if a savepoint inside the batch rolls
        # back, Django drops the mark, and the batch leaves the message out.
        mark = _Mark()
        transaction.on_commit(mark)
        pending.append((message, mark))
        return message
    _insert([message])
    message_id = message.pk
    transaction.on_commit(lambda: publish_many([message_id], lock=False))
    return message


def _insert(messages: list[OutboxMessage]) -> None:
    """Insert the messages in one statement; a key already recorded keeps its row (whose id
    the message then carries). No savepoint: a duplicate key is not an error."""
    OutboxMessage.objects.bulk_create(
        messages, update_conflicts=True, unique_fields=["key"], update_fields=["key"]
    )


class _Mark:
    def __call__(self):  # run at commit: nothing to do, its presence is what counts
        pass


# The messages of the batch open on a connection (see `batch`), kept on the connection object
# (one per thread).
BATCH_ATTRIBUTE = "outbox_batch"


@contextlib.contextmanager
def batch():
    """Collect the messages `enqueue` is asked for in the block and write them in ONE insert
    when it ends, inside its transaction (the block is atomic: it opens a transaction, or joins
    the caller's without a savepoint), then publish them together after commit. Messages enqueued
    in a savepoint that rolled back are left out, as without a batch. Nested batches join the
    outer one."""
    connection = transaction.get_connection()
    if getattr(connection, BATCH_ATTRIBUTE, None) is not None:
        yield
        return
    # No savepoint of its own: inside a transaction, an error in the block spoils the whole
    # transaction (as Django's `savepoint=False`), which is what the callers want anyway.
    with transaction.atomic(savepoint=False):
        pending = []
        setattr(connection, BATCH_ATTRIBUTE, pending)
        try:
            yield
        finally:
            setattr(connection, BATCH_ATTRIBUTE, None)
        alive = {id(callback) for _sids, callback, _robust in connection.run_on_commit}
        messages = [message for message, mark in pending if id(mark) in alive]
        if messages:
            _insert(messages)
            message_ids = [message.pk for message in messages]
            transaction.on_commit(lambda: publish_many(message_ids, lock=False))


def publish(message_id: int) -> bool:
    """Hand one pending message to the broker (or, eagerly, run it). Returns whether it went
    out. A broker failure is recorded on the row, which stays pending; it never raises for
    one (eager task errors do propagate, as `.delay()` in tests always did)."""
    return _publish(message_id) == SENT


SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


def _publish(message_id: int) -> str:
    return publish_many([message_id])[message_id]


def publish_many(message_ids: list[int], *, lock: bool = True) -> dict[int, str]:
    """Hand pending messages to the broker in order (or, eagerly, run them): one read and one
    update for all of them. Returns {id: SENT | FAILED | SKIPPED}; stops at the first broker
    failure, which is recorded on that row (the rest stay pending for the next flush). Never
    raises for a broker failure.

    `lock` (flushing) reads the rows under a lock, skipping those a concurrent flush holds.
    Right after the commit that wrote them (`lock=False`) no flush touches them yet (it leaves
    messages younger than OUTBOX_FLUSH_MIN_AGE_SECONDS to their commit), so the read and the
    update each run on their own, without a transaction around them: two statements instead
    of four. Should a flush still meet one, it is published twice, which at-least-once
    delivery allows (same task id; tasks are idempotent)."""
    outcomes = dict.fromkeys(message_ids, SKIPPED)
    if app.conf.task_always_eager:
        for message_id in message_ids:
            outcomes[message_id] = SENT if _run_eagerly(message_id) else SKIPPED
        return outcomes
    with transaction.atomic() if lock else contextlib.nullcontext():
        rows = OutboxMessage.objects.filter(pk__in=message_ids, sent_at__isnull=True)
        if lock:
            rows = rows.select_for_update(skip_locked=True)
        messages = {message.pk: message for message in rows}
        now = timezone.now()
        sent = []
        for message_id in message_ids:
            message = messages.get(message_id)
            if message is None:
                continue
            try:
                app.send_task(
                    message.task_name,
                    args=message.args,
                    kwargs=message.kwargs,
                    task_id=message.task_id,
                    retry=True,
                    retry_policy=PUBLISH_RETRY_POLICY,
                )
            except Exception as exc:  # the broker's many failure types; kept for the next flush
                message.attempts += 1
                message.last_attempt_at = now
                message.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
                message.save(update_fields=["attempts", "last_attempt_at", "last_error"])
                logger.warning("Outbox: could not publish %s (%s); kept for later", message, exc)
                outcomes[message_id] = FAILED
                break
            sent.append(message_id)
            outcomes[message_id] = SENT
        if sent:
            OutboxMessage.objects.filter(pk__in=sent, sent_at__isnull=True).update(
                sent_at=timezone.now(), last_attempt_at=now, attempts=F("attempts") + 1
            )
    return outcomes


def _run_eagerly(message_id: int) -> bool:
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return False
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message_id).update(
        sent_at=now, last_attempt_at=now, attempts=message.attempts + 1
    )
    app.tasks[message.task_name].apply_async(
        args=message.args, kwargs=message.kwargs, task_id=message.task_id
    )
    return True


def pending(min_age_seconds: float = 0):
    """Pending messages created at least `min_age_seconds` ago, oldest first."""
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    return OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).order_by(
        "created_at", "pk"
    )


def flush(*, limit: int = 1000, min_age_seconds: float = 0) -> dict:
    """Publish pending messages, oldest first, stopping at the first broker failure (the broker
    is most likely down; the next flush tries again). Returns counts: published, failed,
    pending (left afterwards)."""
    published = failed = 0
    for message_id in pending(min_age_seconds).values_list("pk", flat=True)[:limit]:
        outcome = _publish(message_id)
        if outcome == SENT:
            published += 1
        elif outcome == FAILED:
            failed += 1
            break
    return {"published": published, "failed": failed, "pending": pending().count()}


def purge_sent(days: int | None = None) -> int:
    """Delete messages sent more than `days` (OUTBOX_RETENTION_DAYS) ago; returns how many.
    Their keys can then be enqueued again."""
    days = settings.OUTBOX_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
