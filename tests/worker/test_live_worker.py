"""Integration: real Celery workers on Redis, sharing the test database with this process.

- templated mail goes out over SMTP (aiosmtpd on loopback) and the log says sent, with the
  Message-ID the recipient got;
- a worker SIGKILLed mid-task loses nothing: the next worker runs the task to completion, once;
- with Redis down the commit still succeeds, the outbox keeps the task, and once Redis is back
  `flush_outbox` publishes it and the mail is sent exactly once.
"""

import os
import shutil
import signal
import time

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from tests.worker.live import (
    RedisServer,
    Worker,
    broker_at,
    purge_broker,
    running_worker,
    smtp_server,
    wait_for,
    worker_env,
)
from worker import outbox
from worker.app import app
from worker.mail import send_templated_mail
from worker.models import FailedTask, MailLog, MailStatus, OutboxMessage

# Transactional: the workers must see what this process commits. serialized_rollback, as the
# suite's other transactional tests: the flush afterwards leaves the database as they expect.
pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.timeout(120),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
HELLO = "worker_tests/email/hello"


@pytest.fixture
def live(monkeypatch):
    """This process publishes to the broker instead of running tasks itself."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    purge_broker(settings.REDIS_URL)
    yield
    purge_broker(settings.REDIS_URL)


def status_of(log):
    return MailLog.objects.values_list("status", flat=True).get(pk=log.pk)


def test_a_worker_sends_logged_mail_over_smtp(live, tmp_path):
    with smtp_server() as smtp:
        with transaction.atomic():
            log = send_templated_mail(HELLO, {"name": "Ada"}, "ada@example.org", key="live:1")
        # Published to Redis when the transaction committed.
        assert OutboxMessage.objects.get(key=f"mail:{log.pk}").sent_at is not None
        env = worker_env(tmp_path, redis_url=settings.REDIS_URL, email_url=smtp.url)
        with running_worker(env, tmp_path) as worker:
            wait_for(lambda: status_of(log) == MailStatus.SENT, 20, "the mail to be sent")
            assert "send_logged_mail" in worker.output()
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["ada@example.org"]
    assert message["Subject"] == "[Sponsorship] Hello Ada (test)"
    log.refresh_from_db()
    assert log.message_id and message["Message-ID"] == log.message_id
    assert log.attempts == 1 and log.sent_at is not None
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "Dear Ada," in parts["text/plain"].get_payload(decode=True).decode()
    assert "<p>Dear Ada,</p>" in parts["text/html"].get_payload(decode=True).decode()


def test_a_task_killed_with_its_worker_runs_again_on_the_next_worker_once(live, tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    runs = folder / "runs"

    def lines():
        return runs.read_text().split("\n")[:-1] if runs.exists() else []

    with transaction.atomic():
        outbox.enqueue("tests.worker.block_until_flag", str(folder), key="sigkill:1")
    # A short visibility timeout so the unacknowledged task is handed out again in seconds.
    env = worker_env(tmp_path, redis_url=settings.REDIS_URL, CELERY_VISIBILITY_TIMEOUT=2)
    first = Worker(env, tmp_path / "first.log", "first")
    try:
        first.start()
        wait_for(lambda: lines(), 20, "the task to start")
        first.kill()  # SIGKILL, worker and pool child, mid-task
    finally:
        first.stop()
    assert [line.split()[0] for line in lines()] == ["start"]
    client = redis.Redis.from_url(settings.REDIS_URL)
    assert client.llen("default") + client.hlen("unacked") == 1  # not lost, not acknowledged

    (folder / "flag").touch()  # the second run may finish
    with running_worker(env, tmp_path, "second"):
        wait_for(lambda: any(line.startswith("done") for line in lines()), 30, "the rerun")
        time.sleep(3)  # longer than the visibility timeout: no third delivery
    events = [line.split() for line in lines()]
    assert [event for event, _ in events] == ["start", "start", "done"]
    first_pid, second_pid, done_pid = (pid for _, pid in events)
    assert first_pid != second_pid == done_pid
    assert client.llen("default") + client.hlen("unacked") == 0
    assert not FailedTask.objects.exists()


def test_a_pool_child_killed_mid_task_is_replaced_and_the_task_rerun(live, tmp_path):
    """reject_on_worker_lost: the worker sees its child die and requeues the task at once."""
    folder = tmp_path / "job"
    folder.mkdir()
    runs = folder / "runs"

    def lines():
        return runs.read_text().split("\n")[:-1] if runs.exists() else []

    with transaction.atomic():
        outbox.enqueue("tests.worker.block_until_flag", str(folder), key="child:1")
    env = worker_env(tmp_path, redis_url=settings.REDIS_URL)  # the normal visibility timeout
    with running_worker(env, tmp_path) as worker:
        wait_for(lambda: lines(), 20, "the task to start")
        child_pid = int(lines()[0].split()[1])
        assert child_pid != worker.process.pid
        os.kill(child_pid, signal.SIGKILL)
        (folder / "flag").touch()  # the rerun may finish
        wait_for(lambda: any(line.startswith("done") for line in lines()), 20, "the rerun")
    events = [line.split() for line in lines()]
    assert [event for event, _ in events] == ["start", "start", "done"]
    assert events[1][1] == events[2][1] != str(child_pid)
    assert not FailedTask.objects.exists()


def test_with_redis_down_the_commit_succeeds_and_the_mail_goes_out_once_it_is_back(live, tmp_path):
    if not shutil.which("redis-server"):
        reason = "needs the redis-server binary to stop and restart a private Redis"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)
    server = RedisServer(tmp_path).start()
    try:
        with broker_at(server.url), smtp_server() as smtp:
            server.stop()  # Redis goes down
            started = time.monotonic()
            with transaction.atomic():
                log = send_templated_mail(HELLO, {"name": "Bo"}, "bo@example.org", key="down:1")
            assert time.monotonic() - started < 5  # committed promptly
            message = OutboxMessage.objects.get(key=f"mail:{log.pk}")
            assert message.sent_at is None and message.attempts == 1
            assert "111" in message.last_error or "refused" in message.last_error.lower()
            assert status_of(log) == MailStatus.QUEUED

            server.start()  # Redis is back (empty)
            env = worker_env(tmp_path, redis_url=server.url, email_url=smtp.url)
            with running_worker(env, tmp_path):
                call_command("flush_outbox")
                wait_for(lambda: status_of(log) == MailStatus.SENT, 20, "the mail to be sent")
                call_command("flush_outbox")  # nothing left to publish
                time.sleep(1)
            message.refresh_from_db()
            assert message.sent_at is not None and message.attempts == 2
            assert len(smtp.messages) == 1
            assert smtp.messages[0][1]["Message-ID"] == MailLog.objects.get().message_id
    finally:
        server.stop()
