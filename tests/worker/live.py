"""Real processes for the integration tests: a Celery worker, a private redis-server and a local
SMTP server. Each is bounded in time and always stopped (its whole process group)."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings

from worker.app import app

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
QUEUES = "default,mail,documents"


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_database_url() -> str:
    """The URL of the database this test runs on, for a worker process to share it."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return (
        f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


def worker_env(tmp_path, *, redis_url: str, email_url: str = "", **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DATABASE_URL=shared_database_url(),
        REDIS_URL=redis_url,
        EMAIL_URL=email_url or "memory://",
        CELERY_TASK_ALWAYS_EAGER="false",
        CACHE_REDIS="false",
        DATA_DIR=str(tmp_path / "worker-data"),
        LOG_LEVEL="INFO",
        PYTHONPATH=str(ROOT),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Worker:
    """`celery -A tests.worker.celery_app worker`, one process, one task at a time."""

    def __init__(self, env: dict, log_path: Path, name: str):
        self.env, self.log_path, self.name = env, log_path, name
        self.process = None

    def start(self, ready_timeout: float = 45) -> "Worker":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [CELERY, "-A", "tests.worker.celery_app", "worker", "-Q", QUEUES, "-c", "1",
             "-P", "prefork", "-n", f"{self.name}@%h", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(self._ready, ready_timeout, f"worker {self.name} to be ready", 0.1)
        return self

    def _ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited early:\n{self.output()}")
        return b" ready." in self.log_path.read_bytes()

    def output(self) -> str:
        return self.log_path.read_bytes().decode(errors="replace")[-6000:]

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as the OOM killer or a power cut."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=8)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process is not None:  # pool children left behind, if any
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


@contextlib.contextmanager
def running_worker(env: dict, tmp_path: Path, name: str = "w1"):
    worker = Worker(env, tmp_path / f"{name}.log", name)
    try:
        yield worker.start()
    finally:
        worker.stop()


class RedisServer:
    """A private redis-server on a port of its own, so stopping it disturbs nobody."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        wait_for(lambda: self._ping(client), 10, "redis-server to answer")
        return self

    @staticmethod
    def _ping(client):
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@contextlib.contextmanager
def broker_at(url: str):
    """Point this process's Celery app (the web side) at another broker for the block."""
    previous = app.conf.broker_url
    _reset_pools(url)
    try:
        yield
    finally:
        _reset_pools(previous)


def _reset_pools(url: str) -> None:
    # Only drop the app's references: kombu keeps one pool per URL process-wide, and closing
    # it would leave later code (even eager tasks acquire a producer) a closed pool.
    app.conf.broker_url = url
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def purge_broker(url: str) -> None:
    """Empty our queues and the unacknowledged set in the broker database `url`."""
    client = redis.Redis.from_url(url)
    client.delete("default", "mail", "documents", "unacked", "unacked_index", "unacked_mutex")


class SMTPSink:
    """aiosmtpd on 127.0.0.1 keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server():
    from aiosmtpd.controller import Controller

    sink = SMTPSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        sink.url = f"smtp://127.0.0.1:{controller.port}"
        yield sink
    finally:
        controller.stop()
