"""Settings for the test suite: the project's own, plus the choices only tests make.

pyproject.toml points pytest at this module (DJANGO_SETTINGS_MODULE). Each choice here is made
once for the whole suite, so no test or conftest repeats it.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_DATABASES = 16  # redis-server's default `databases`


def _isolate_xdist_worker() -> None:
    """Under pytest-xdist each worker (gw0, gw1...) gets its own DATA_DIR (media, private
    documents, outbox, broker folders) and its own Redis database, so the real Celery workers
    started by `broker` tests consume only the tasks of their own xdist worker. pytest-django
    already gives each worker its own test database.

    The environment is rewritten before the project's settings read it, so subprocesses that
    tests start (manage.py, Celery workers) inherit the same isolation; the marker stops a
    subprocess that runs these settings again from isolating a second time (a test may hand
    it a DATA_DIR of its own)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or os.environ.get("PYTEST_XDIST_ISOLATED") == worker:
        return
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # as marketplace.settings does
    data_dir = os.environ.get("DATA_DIR") or str(BASE_DIR / "var")
    os.environ["DATA_DIR"] = os.path.join(data_dir, worker)
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        parts = urlsplit(redis_url)
        base = int(parts.path.strip("/") or 0)
        number = base + int(worker.removeprefix("gw"))
        if number >= REDIS_DATABASES:
            raise RuntimeError(
                f"xdist worker {worker} would use Redis database {number} (REDIS_URL names "
                f"database {base}; Redis has {REDIS_DATABASES}): run fewer workers (-n) or "
                "point REDIS_URL at a lower database."
            )
        os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{number}"))
    os.environ["PYTEST_XDIST_ISOLATED"] = worker


_isolate_xdist_worker()

from marketplace.settings import *  # noqa: E402, F403

# Hashing a password with the production hasher (PBKDF2, ~1 million iterations) costs a quarter
# of a second; the suite creates thousands of users. No test depends on the hasher itself.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
