"""Suite-wide fixtures and the rules for tests that need PostgreSQL, a broker or a browser.

Such a test says why it is skipped when the service is absent; under CI=true it fails instead,
so nothing is silently skipped in CI.

The shared fixtures (`tree`, `event`, `package`, `sponsor`, `other_sponsor`, `on_commit`) are
defined here once; an area's conftest overrides one only where its tests need another shape
(say, a package with benefits). The builders they use are in tests/factories.py.
"""

import csv
import datetime
import os
import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from events.choices import PackageCategory
from marketplace.finance.demo import DEMO_RATES
from marketplace.finance.rates import ExchangeRate
from tests.factories import make_event, make_package, make_sponsor, make_terms, site_tree

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
def _recorded_rates(request):
    """Every test with a database has the demo's monthly rates of exchange 2015–2026 recorded
    (as `load_demo` records them), so money is valued as in a real installation and no test
    trips over a missing-rate flag it is not about. `@pytest.mark.without_rates` starts with
    none (tests/finance/test_rates.py)."""
    if request.node.get_closest_marker("without_rates"):
        return
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker:
        request.getfixturevalue("db")
    else:
        return
    ExchangeRate.objects.bulk_create(
        [ExchangeRate(**row) for row in _demo_rates()], ignore_conflicts=True
    )


def _demo_rates() -> list[dict]:
    if not _DEMO_RATES:
        with DEMO_RATES.open(encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                _DEMO_RATES.append(
                    {
                        "currency": row["currency"],
                        "per_usd": Decimal(row["per_usd"]),
                        "valid_from": datetime.date.fromisoformat(row["valid_from"]),
                        "valid_to": datetime.date.fromisoformat(row["valid_to"]),
                        "source": row["source"],
                    }
                )
    return _DEMO_RATES


_DEMO_RATES: list[dict] = []


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


@pytest.fixture
def event(tree):
    """A live event two months ahead, with published sponsorship terms."""
    event = make_event(tree[1])
    make_terms(event)
    return event


@pytest.fixture
def package(event):
    """Capacity 3, at most 2 per sponsor, CHF 5,000 each."""
    return make_package(
        event,
        title="Fellowships",
        category=PackageCategory.FELLOWSHIP,
        price="5000.00",
        capacity=3,
        max_per_sponsor=2,
    )


@pytest.fixture
def sponsor(db):
    """(user, organisation): the administrator of Acme."""
    return make_sponsor(name="Acme")


@pytest.fixture
def other_sponsor(db):
    """(user, organisation): the administrator of Borealis, unrelated to Acme."""
    return make_sponsor(name="Borealis")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit():` runs the on-commit callbacks of the code in the block (outbox
    publishing, eager tasks, emails, waiting-list offers) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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
