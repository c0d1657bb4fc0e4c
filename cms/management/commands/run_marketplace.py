"""`make run`: migrate, load the demo, then run the web server, a Celery worker and beat.

The web server is gunicorn with threads (gthread), as in production: WEB_CONCURRENCY processes
(default 2) of GUNICORN_THREADS threads (default 4) each, so dozens of clients at once are
queued and answered, never reset. With DEBUG on it reloads its workers when the code changes,
as Django's development server did.

Ctrl-C (or SIGTERM) stops every process this command started.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms.demo.users import stored_password


class Command(BaseCommand):
    help = "Run the marketplace for development: web server, Celery worker and Celery beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--skip-demo", action="store_true", help="Do not run load_demo.")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY") or 2),
            help="gunicorn worker processes (WEB_CONCURRENCY, default 2).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("GUNICORN_THREADS") or 4),
            help="Threads per gunicorn worker (GUNICORN_THREADS, default 4).",
        )

    def handle(self, *args, port, skip_demo, workers, threads, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not skip_demo:
            call_command("load_demo")
        broker = "Redis (REDIS_URL)" if settings.REDIS_URL else "embedded filesystem broker"
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "worker"]
        commands = {
            "web": gunicorn_command(python, port, workers, threads, reload=settings.DEBUG),
            "worker": celery
            + ["worker", "-Q", "default,documents,mail", "--concurrency", "2", "-l", "INFO"],
            "beat": celery
            + ["beat", "-l", "INFO", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }
        env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false"}
        # The demo: every demo user signs in with the demo password, no authenticator app
        # needed (set STAFF_REQUIRE_MFA=true to try the staff MFA enrolment).
        env.setdefault("STAFF_REQUIRE_MFA", "false")
        processes = {
            name: subprocess.Popen(command, env=env, start_new_session=True)
            for name, command in commands.items()
        }
        self._announce(port, broker)

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with status {process.returncode}.")
                        stopping = True
                time.sleep(0.5)
        finally:
            self.stdout.write("Stopping the web server, worker and beat…")
            for name, process in processes.items():
                if process.poll() is None:
                    if name == "web":  # gunicorn's workers are in the master's group
                        os.killpg(process.pid, signal.SIGTERM)
                    else:  # Celery shuts its own pool down warmly on SIGTERM
                        process.terminate()
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    def _announce(self, port, broker):
        base = f"http://127.0.0.1:{port}"
        password = settings.DEMO_PASSWORD or _stored_demo_password()
        lines = [
            "",
            "The sponsorship marketplace is running:",
            f"  site        {base}/",
            f"  events      {base}/events/",
            f"  admin       {base}/admin/",
            f"  API docs    {base}/api/v1/docs/",
            f"  health      {base}/healthz",
            f"  outbox      {settings.OUTBOX_DIR} (every email sent)",
            f"  tasks       Celery worker and beat on the {broker}",
            "",
            f"Demo sign-ins (password: {password}):",
            "  organiser@example.org   approver@example.org   finance@example.org",
            "  support@example.org     sponsor@example.org     admin@example.org (superuser)",
            "  signatory@example.org   member@example.org (Acme's signatory and member)",
            "  forum.organiser@example.org (organises the regional forum only)",
            "",
            "Press Ctrl-C to stop everything.",
            "",
        ]
        self.stdout.write("\n".join(lines))


def gunicorn_command(python: str, port: int, workers: int, threads: int, reload: bool) -> list:
    """gunicorn serving the app on 127.0.0.1:`port`, threaded (gthread) as the image runs it
    (docker/entrypoint.sh). A request waiting on the database frees its thread's CPU for the
    others; gunicorn's backlog queues the rest rather than resetting them."""
    command = [
        python, "-m", "gunicorn", "marketplace.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(max(workers, 1)),
        "--worker-class", "gthread",
        "--threads", str(max(threads, 1)),
        "--backlog", "2048",
        "--timeout", "120",
        "--graceful-timeout", "5",
        "--keep-alive", "5",
        "--access-logfile", "-",
    ]  # fmt: skip
    if reload:  # development: new code is served without restarting `make run`
        command.append("--reload")
    return command


def _stored_demo_password() -> str:
    return stored_password() or "(see load_demo's output)"
