"""Suite-wide fixtures and the rules for tests that need PostgreSQL, a broker or a browser.

Such a test says why it is skipped when the service is absent; under CI=true it fails instead,
so nothing is silently skipped in CI.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import site_tree

IN_CI = os.environ.get("CI") == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _service_requirements(request):
    if request.node.get_closest_marker("postgres"):
        _require(
            connection.vendor == "postgresql",
            "needs PostgreSQL: set DATABASE_URL=postgres://... (it runs on SQLite otherwise)",
        )
    if request.node.get_closest_marker("broker"):
        _require(
            bool(settings.REDIS_URL),
            "needs a Redis broker and a real Celery worker: set REDIS_URL=redis://...",
        )
    if request.node.get_closest_marker("browser"):
        _require(
            os.path.exists(CHROMIUM) or bool(shutil.which("chromium")),
            f"needs headless Chromium at {CHROMIUM} (apt-get install chromium)",
        )


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    """(home page, events index) serving the default site."""
    return site_tree()


def pytest_collection_modifyitems(items):
    """Every test that commits for real (live server, transactional_db) restores the migrated
    data afterwards (Wagtail's root page, content types...). Mixing flushing tests with
    serialized-rollback tests otherwise breaks whichever runs second."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
            fixtures & {"transactional_db", "live_server"}
        )
        if transactional:
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
