"""The transactional outbox: enqueued in the caller's transaction, published after commit, kept
when the broker refuses, republished by flush_outbox, and idempotent by key."""

import datetime

import pytest
from celery.schedules import crontab
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from worker import outbox
from worker.app import app
from worker.failures import AlreadyRetried, retry_failed_task
from worker.models import FailedTask, OutboxMessage

pytestmark = pytest.mark.django_db
APPEND = "tests.worker.append_line"


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


class FakeBroker:
    """Stands in for `app.send_task`: refuses while `down`, else records what it accepted."""

    def __init__(self):
        self.down = False
        self.accepted = []

    def __call__(self, name, args=None, kwargs=None, task_id=None, **options):
        if self.down:
            raise BrokerDown("Error 111 connecting to 127.0.0.1:6399. Connection refused.")
        self.accepted.append((name, args, kwargs, task_id))


@pytest.fixture
def broker(monkeypatch):
    """A non-eager app whose broker is the FakeBroker."""
    fake = FakeBroker()
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "send_task", fake)
    return fake


def test_enqueue_runs_the_task_on_commit_in_eager_mode(tmp_path, on_commit):
    out = tmp_path / "out.txt"
    with on_commit():
        with transaction.atomic():
            message = outbox.enqueue(APPEND, str(out), "hello", key="greeting:1")
            assert lines(out) == []  # nothing runs before the commit
    assert lines(out) == ["hello"]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1
    assert message.task_id == outbox.task_id_for("greeting:1")


def test_a_rolled_back_transaction_enqueues_nothing(tmp_path, on_commit):
    out = tmp_path / "out.txt"
    with on_commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(APPEND, str(out), "never", key="rolled-back")
            raise RuntimeError("the payment failed")
    assert not OutboxMessage.objects.exists()
    assert lines(out) == []


def test_the_same_key_twice_is_recorded_and_run_once(tmp_path, on_commit):
    out = tmp_path / "out.txt"
    with on_commit():
        with transaction.atomic():
            first = outbox.enqueue(APPEND, str(out), "once", key="receipt:7")
            second = outbox.enqueue(APPEND, str(out), "once", key="receipt:7")
    with on_commit():  # and again in a later transaction, after it was sent
        third = outbox.enqueue(APPEND, str(out), "once", key="receipt:7")
    assert first.pk == second.pk == third.pk
    assert OutboxMessage.objects.count() == 1
    assert lines(out) == ["once"]


def test_without_a_key_each_call_is_its_own_message(tmp_path, on_commit):
    out = tmp_path / "out.txt"
    with on_commit():
        outbox.enqueue(APPEND, str(out), "a")
        outbox.enqueue(APPEND, str(out), "b")
    assert lines(out) == ["a", "b"]
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 2


def test_task_ids_are_derived_from_keys():
    assert outbox.task_id_for("mail:1") == outbox.task_id_for("mail:1")
    assert outbox.task_id_for("mail:1") != outbox.task_id_for("mail:2")


def test_with_the_broker_down_the_commit_succeeds_and_the_message_waits(broker, on_commit):
    broker.down = True
    with on_commit():
        with transaction.atomic():
            message = outbox.enqueue(APPEND, "/tmp/x", "paid", key="agreement:3")
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "Connection refused" in message.last_error
    assert broker.accepted == []

    # Still down: flush keeps it and reports the failure.
    assert outbox.flush() == {"published": 0, "failed": 1, "pending": 1}

    broker.down = False
    assert outbox.flush() == {"published": 1, "failed": 0, "pending": 0}
    assert broker.accepted == [(APPEND, ["/tmp/x", "paid"], {}, outbox.task_id_for("agreement:3"))]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 3
    # Nothing is published twice.
    assert outbox.flush()["published"] == 0
    assert len(broker.accepted) == 1


def test_flush_stops_at_the_first_refusal_and_keeps_the_order(broker):
    for n in range(3):  # rows whose commit-time publish never ran (a crashed process)
        outbox.enqueue(APPEND, "/tmp/x", str(n), key=f"k{n}")
    broker.down = True
    assert outbox.flush() == {"published": 0, "failed": 1, "pending": 3}
    broker.down = False
    assert outbox.flush(limit=2) == {"published": 2, "failed": 0, "pending": 1}
    assert [args[1] for _, args, _, _ in broker.accepted] == ["0", "1"]


def test_flush_leaves_young_messages_to_their_commit(broker):
    outbox.enqueue(APPEND, "/tmp/x", "new", key="young")
    assert outbox.flush(min_age_seconds=60)["published"] == 0
    assert outbox.flush()["published"] == 1


def test_the_flush_outbox_command_publishes_pending_messages(tmp_path, broker, capsys):
    outbox.enqueue(APPEND, str(tmp_path / "out.txt"), "late", key="late")
    broker.down = True
    with pytest.raises(CommandError, match="1 still pending"):
        call_command("flush_outbox")
    broker.down = False
    call_command("flush_outbox")
    assert "Published 1, failed 0, still pending 0." in capsys.readouterr().out


def test_the_command_runs_pending_tasks_in_eager_mode(tmp_path):
    out = tmp_path / "out.txt"
    outbox.enqueue(APPEND, str(out), "eager", key="eager")  # its on_commit never ran
    call_command("flush_outbox")
    assert lines(out) == ["eager"]


def test_sent_messages_are_purged_after_the_retention_period(broker, settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    old = outbox.enqueue(APPEND, "/tmp/x", "old", key="old")
    outbox.enqueue(APPEND, "/tmp/x", "recent", key="recent")
    outbox.enqueue(APPEND, "/tmp/x", "pending", key="pending")
    outbox.flush(limit=2)
    OutboxMessage.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert outbox.purge_sent() == 1
    assert sorted(OutboxMessage.objects.values_list("key", flat=True)) == ["pending", "recent"]


def test_the_beat_schedule_flushes_the_outbox_every_minute():
    entry = app.conf.beat_schedule["flush-outbox"]
    assert entry["task"] == "worker.tasks.maintenance.flush_outbox"
    assert entry["schedule"] == crontab()  # every minute
    import worker.tasks  # noqa: F401

    for name in ("flush-outbox", "publish-scheduled-pages", "expire-overdue-pledge-holds"):
        assert app.conf.beat_schedule[name]["task"] in app.tasks


def test_a_failed_task_is_re_enqueued_once_with_its_arguments(tmp_path, on_commit):
    out = tmp_path / "out.txt"
    failed = FailedTask.objects.create(
        task_name=APPEND, task_id="t-1", args=[str(out), "again"], exception="OSError: x"
    )
    with on_commit():
        message = retry_failed_task(failed)
    assert lines(out) == ["again"]
    assert message.key == f"retry-failed-task:{failed.pk}"
    failed.refresh_from_db()
    assert failed.retried_at is not None
    with pytest.raises(AlreadyRetried):
        retry_failed_task(failed)
    assert OutboxMessage.objects.count() == 1


def test_a_batch_writes_its_messages_in_one_insert_at_its_end(broker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        with outbox.batch():
            outbox.enqueue(APPEND, "/tmp/x", "receipt", key="receipt:1")
            outbox.enqueue(APPEND, "/tmp/x", "tasks", key="fulfilment:1")
            assert not OutboxMessage.objects.exists()  # nothing written before the batch ends
            inserts_before_end = [q for q in queries if q["sql"].startswith("INSERT")]
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "worker_outboxmessage"')]
    assert inserts_before_end == [] and len(inserts) == 1
    assert sorted(OutboxMessage.objects.values_list("key", flat=True)) == [
        "fulfilment:1",
        "receipt:1",
    ]


def test_a_batch_leaves_out_what_a_rolled_back_savepoint_enqueued(broker, on_commit):
    with on_commit():
        with outbox.batch():
            outbox.enqueue(APPEND, "/tmp/x", "kept", key="kept")
            with pytest.raises(RuntimeError), transaction.atomic():
                outbox.enqueue(APPEND, "/tmp/x", "dropped", key="dropped")
                raise RuntimeError("this step failed and was caught")
            outbox.enqueue(APPEND, "/tmp/x", "kept too", key="kept-too")
    assert sorted(OutboxMessage.objects.values_list("key", flat=True)) == ["kept", "kept-too"]
    assert [args[1] for _, args, _, _ in broker.accepted] == ["kept", "kept too"]
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_a_batch_that_raises_writes_nothing(broker, on_commit):
    with on_commit():
        with pytest.raises(RuntimeError), transaction.atomic(), outbox.batch():
            outbox.enqueue(APPEND, "/tmp/x", "never", key="never")
            raise RuntimeError("the webhook failed")
    assert not OutboxMessage.objects.exists() and broker.accepted == []


def test_a_batch_keeps_one_row_per_key(broker, on_commit):
    with on_commit():
        outbox.enqueue(APPEND, "/tmp/x", "first", key="agreement:9")
    with on_commit():
        with outbox.batch():
            outbox.enqueue(APPEND, "/tmp/x", "again", key="agreement:9")
            outbox.enqueue(APPEND, "/tmp/x", "new", key="receipt:9")
    assert OutboxMessage.objects.count() == 2
    assert [args[1] for _, args, _, _ in broker.accepted] == ["first", "new"]
