"""Workers keep their database connections between tasks (as CONN_MAX_AGE says) instead of
Celery's connect-per-task, and pool processes load the PDF fonts when they start."""

import importlib
import time
import weakref
from types import SimpleNamespace

import pytest
from celery import signals
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from marketplace.core import pdf

# The module (the package's `app` attribute is the Celery app itself).
worker_app = importlib.import_module("worker.app")


def fake_task(eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_celerys_fixup_no_longer_closes_connections_after_each_task():
    fixup = DjangoWorkerFixup(worker_app.app)
    assert fixup.db_reuse_max and fixup.db_reuse_max >= 10**6


def connected(signal, func) -> bool:
    """Whether `func` receives `signal` (Celery keeps weak references to receivers)."""
    receivers = [ref() if isinstance(ref, weakref.ref) else ref for _key, ref in signal.receivers]
    return func in receivers


def test_old_connections_are_recycled_around_worker_tasks_but_not_eager_ones(monkeypatch):
    recycle = worker_app._recycle_old_connections
    assert connected(signals.task_prerun, recycle) and connected(signals.task_postrun, recycle)
    calls = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: calls.append(1))
    recycle(task=fake_task(eager=False))
    assert calls == [1]
    recycle(task=fake_task(eager=True))
    assert calls == [1]  # eager: the caller's transaction owns the connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_is_kept_until_it_is_too_old():
    # Start from a new connection: the suite's may already be older than CONN_MAX_AGE.
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    worker_app._recycle_old_connections(task=fake_task(eager=False))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid  # reused: no new backend
    connection.close_at = time.monotonic() - 1  # past CONN_MAX_AGE
    worker_app._recycle_old_connections(task=fake_task(eager=False))
    assert connection.connection is None


def test_pool_processes_load_the_pdf_fonts_when_they_start(monkeypatch):
    calls = []
    monkeypatch.setattr("marketplace.core.pdf.warm_up", lambda: calls.append(1))
    assert connected(signals.worker_process_init, pdf.warm_up_pool_process)
    pdf.warm_up_pool_process()
    assert calls == [1]


def test_warm_up_fills_this_threads_font_configuration():
    from marketplace.core import pdf

    pdf.warm_up()
    assert pdf.font_config() is pdf.font_config()
