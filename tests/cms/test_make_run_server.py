"""`make run` serves with gunicorn (gthread), not Django's development server: 40 sponsors
pledging at the same instant, and 40 visitors opening the catalogue, each get an answer.

The command runs as `make run` runs it (`manage.py run_marketplace`, DEBUG on, its own
SQLite database, embedded broker and DATA_DIR), in a subprocess on a free port, with its
Celery worker and beat.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENTS = 40
CAPACITY = 3

# Run in the command's own database (not the test database): sponsors with tokens, an event
# with published terms and one package of capacity CAPACITY. Prints the package id and tokens.
SETUP = f"""
import json, django
django.setup()
from tests.factories import make_event, make_package, make_sponsor, make_terms, make_token
from tests.factories import site_tree
event = make_event(site_tree()[1], title="Storm summit", slug="storm-summit", acronym="STS")
make_terms(event)
package = make_package(event, title="Storm room", capacity={CAPACITY}, max_per_sponsor=1)
tokens = [make_token(make_sponsor()[0]) for _ in range({CLIENTS})]
print(json.dumps({{"package": package.pk, "tokens": tokens}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def development_environment(data_dir: Path, port: int) -> dict:
    """`make run`'s environment: DEBUG on, nothing the test suite sets (its settings module,
    eager tasks, memory mail, per-process cache, test DATA_DIR) leaks into the command."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_"))
        and key
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_TASK_ALWAYS_EAGER",
            "EMAIL_URL",
            "CACHE_REDIS",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "STATICFILES_MANIFEST",
        }
    }
    env.update(
        DEBUG="true",
        STAFF_REQUIRE_MFA="false",
        DATA_DIR=str(data_dir),
        PORT=str(port),
        DEMO_PASSWORD="demo-password-for-tests",
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def wait_for_health(base: str, process: subprocess.Popen, log: Path, timeout=420) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"run_marketplace exited {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise AssertionError(f"/healthz never answered 200:\n{log.read_text()[-4000:]}")


@pytest.fixture
def make_run(tmp_path):
    """(base URL, environment, log) of a running `manage.py run_marketplace`."""
    port = free_port()
    env = development_environment(tmp_path / "var", port)
    log = tmp_path / "run_marketplace.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            # --skip-demo: the demo data changes nothing about the server, and takes a minute.
            [sys.executable, "manage.py", "run_marketplace", "--port", str(port), "--skip-demo"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process, log)
        yield base, env, log
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the command stops web, worker and beat
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def at_once(count: int, send) -> list:
    """Run `send(index)` in `count` threads released together; each result or exception."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=60)
            results[index] = send(index)
        except Exception as exc:  # the test reports it: a reset, a timeout
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def test_make_run_answers_forty_sponsors_pledging_at_once(make_run):
    base, env, log = make_run
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert setup.returncode == 0, setup.stderr
    data = json.loads(setup.stdout.strip().splitlines()[-1])

    def pledge(index):
        response = requests.post(
            f"{base}/api/v1/pledges/",
            json={
                "package": data["package"],
                "quantity": 1,
                "payment_method": "bank_transfer",
                "accept_terms": True,
            },
            headers={"Authorization": f"Token {data['tokens'][index]}"},
            timeout=240,
        )
        return response.status_code, response.json()

    results = at_once(CLIENTS, pledge)
    failures = [r for r in results if not isinstance(r, tuple)]
    assert not failures, f"{len(failures)} requests got no answer: {failures[:3]}"
    statuses = sorted(status for status, _body in results)
    # Exactly the capacity was sold; everyone else was told, in JSON, that none is left.
    assert statuses == [201] * CAPACITY + [409] * (CLIENTS - CAPACITY), statuses
    assert all("available" in body for status, body in results if status == 409)

    # The same instant for the catalogue page.
    pages = at_once(CLIENTS, lambda i: requests.get(f"{base}/events/", timeout=240).status_code)
    assert pages == [200] * CLIENTS, pages

    # The server under `make run` is gunicorn's threaded worker, not runserver.
    text = log.read_text()
    assert "Using worker: gthread" in text
    assert "runserver" not in text and "Starting development server" not in text
