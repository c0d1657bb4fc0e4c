"""The base task's retry policy and crash safety, and the record of tasks that failed for good."""

import smtplib

import pytest
import redis
from django.db import OperationalError

from tests.worker import testing_tasks
from worker.app import app
from worker.base import TRANSIENT_ERRORS, BaseTask
from worker.models import FailedTask


def test_the_base_task_retries_transient_failures_with_backoff_and_jitter():
    task = testing_tasks.flaky
    assert isinstance(task, BaseTask)
    assert task.autoretry_for == TRANSIENT_ERRORS
    for error in (smtplib.SMTPServerDisconnected, OSError, OperationalError, redis.ConnectionError):
        assert issubclass(error, TRANSIENT_ERRORS), error
    assert not issubclass(ValueError, TRANSIENT_ERRORS)
    assert task.retry_backoff == 5 and task.retry_backoff_max == 600
    assert task.retry_jitter is True
    assert task.max_retries == 8
    # Acknowledged after running, and requeued if the worker dies mid-task.
    assert task.acks_late is True and task.reject_on_worker_lost is True


def test_every_real_mail_task_uses_the_policy():
    app.loader.import_default_modules()
    # Every task on the mail queue, wherever it lives (worker's and the apps' tasks modules).
    mail_tasks = [t for t in app.tasks.values() if getattr(t, "queue_name", None) == "mail"]
    assert {"worker.tasks.mail.send_logged_mail", "sponsors.tasks.send_invitation"} <= {
        t.name for t in mail_tasks
    }
    for task in mail_tasks:
        assert isinstance(task, BaseTask), task.name
        assert task.acks_late and task.reject_on_worker_lost


def test_the_settings_make_workers_take_one_task_at_a_time_and_ack_late(settings):
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.accept_content == ["json"] and app.conf.task_serializer == "json"
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_the_backoff_grows_exponentially_up_to_the_cap():
    from celery.utils.time import get_exponential_backoff_interval

    countdowns = [
        get_exponential_backoff_interval(factor=5, retries=n, maximum=600, full_jitter=False)
        for n in range(9)
    ]
    assert countdowns == [5, 10, 20, 40, 80, 160, 320, 600, 600]
    # Jitter picks a random point below each, so retries of many tasks spread out.
    jittered = {
        get_exponential_backoff_interval(factor=5, retries=6, maximum=600, full_jitter=True)
        for _ in range(50)
    }
    assert len(jittered) > 1 and max(jittered) <= 320


@pytest.mark.django_db
def test_a_transient_failure_is_retried_until_it_succeeds(calls):
    result = testing_tasks.flaky.apply(args=[3, "a"])
    assert result.get() == 3
    assert [retries for _, retries in calls] == [0, 1, 2, 3]
    assert not FailedTask.objects.exists()


@pytest.mark.django_db
def test_a_task_that_keeps_failing_is_recorded_once_when_retries_run_out(calls):
    with pytest.raises(OSError, match="storage hiccup"):
        testing_tasks.flaky.apply(args=[99, "b"], task_id="flaky-1").get()
    assert len(calls) == 9  # the first run and 8 retries
    failed = FailedTask.objects.get()
    assert failed.task_name == "tests.worker.flaky"
    assert failed.task_id == "flaky-1"
    assert failed.args == [99, "b"]
    assert failed.retries == 8
    assert failed.exception == "OSError: storage hiccup"
    assert "raise OSError" in failed.traceback


@pytest.mark.django_db
def test_a_non_transient_error_fails_at_once_and_is_recorded():
    with pytest.raises(ValueError):
        testing_tasks.broken.apply(args=[7], task_id="broken-1").get()
    failed = FailedTask.objects.get()
    assert (failed.task_name, failed.retries, failed.args) == ("tests.worker.broken", 0, [7])
    assert failed.exception == "ValueError: bad input 7"
    assert failed.retried_at is None
