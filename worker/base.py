"""The base class of our Celery tasks: retries for transient failures, nothing lost on a crash.

    # <app>/tasks.py, beside the service it runs (found by the worker's autodiscovery)
    from celery import shared_task
    from worker.base import BaseTask

    @shared_task(base=BaseTask, queue_name="default")   # or "documents", "mail"
    def do_something(thing_id: int) -> None:
        services.do_something(thing_id)   # idempotent: safe to run twice

  Celery names the task after its module (`<app>.tasks.do_something`); callers enqueue the task
  itself, `outbox.enqueue(tasks.do_something, thing.pk, key=...)`, never its name.

- A transient error (`TRANSIENT_ERRORS`: SMTP, OSError/storage, database OperationalError,
  Redis connection errors) retries the task with exponential backoff and full jitter: about
  5 s, 10 s, 20 s ... capped at 10 minutes, at most `max_retries` (8) times (~20 minutes in
  all). Any other exception fails the task at once.
- `acks_late` + `reject_on_worker_lost`: the broker message is acknowledged only after the task
  returns, so a worker killed mid-task (SIGKILL, OOM) leaves it to run again — immediately when
  only the pool child died, after the Redis visibility timeout when the whole worker died. Tasks
  must therefore be idempotent.
- A task that fails for good is recorded as a `FailedTask` (see `worker/failures.py`, connected
  to Celery's `task_failure` signal, so tasks without this base are recorded too).

Retry countdowns must stay below the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT,
3600 s by default), or Redis would hand the waiting message to a second worker.
"""

import smtplib

from celery import Task
from django.db import InterfaceError, OperationalError

try:  # redis-py is installed with celery[redis]; kept optional for the filesystem broker.
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover
    RedisConnectionError = RedisTimeoutError = ConnectionError

from kombu.exceptions import OperationalError as KombuOperationalError

#: Failures worth retrying: the next attempt may well succeed.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    OSError,  # sockets, ConnectionError, TimeoutError, storage
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    KombuOperationalError,
)


class BaseTask(Task):
    """Retry policy and crash safety shared by every task (see the module docstring)."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8
    acks_late = True
    reject_on_worker_lost = True
    ignore_result = True

    def apply(self, *args, throw=None, **kwargs):
        """Run eagerly (CELERY_TASK_ALWAYS_EAGER, tests) the way a worker would: transient
        failures are retried at once, and a task that fails for good fires `task_failure` (and
        so is recorded) before its error propagates as `task_eager_propagates` asks. Celery's
        own eager mode re-raises the first error, skipping both."""
        result = super().apply(*args, throw=False, **kwargs)
        if throw is None:
            throw = self.app.conf.task_eager_propagates
        if throw and result.failed():
            raise result.result
        return result

    @property
    def is_final_attempt(self) -> bool:
        """Whether a transient failure now would fail the task for good (no retry left)."""
        return self.max_retries is not None and self.request.retries >= self.max_retries
