"""Never oversell, proven against a live server on PostgreSQL: 40 sponsors pledge a capacity-3
package at the same instant → exactly 3 holds and 37 clear "sold out" answers. With the lock
taken out (by the `without_the_package_lock` fixture, in this process where the live server's
threads run) the same test oversells, so we know it can fail."""

import threading
import time

import pytest
import requests
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, transaction
from django.db.models import Sum
from django.db.utils import OperationalError
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from events.choices import PackageCategory
from events.models import SponsorshipPackagePage
from marketplace.pledges import services
from marketplace.pledges.models import Pledge
from marketplace.pledges.services import lock_package
from marketplace.pledges.states import SLOT_HOLDING_STATES
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    make_token,
    site_tree,
)

# serialized_rollback: the database is restored (Wagtail's root page included) before each test
# and not re-populated after it, as the other live-server tests of the suite expect.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SPONSORS = 40
CAPACITY = 3
# How long the unlocked control pauses between the availability check and the write, so the
# race the lock prevents shows every time.
RACE_WINDOW_SECONDS = 0.05


class _BusyServer(ThreadedWSGIServer):
    request_queue_size = 128  # Django's 10 resets some of 40 simultaneous connections


class _ServerThread(LiveServerThread):
    server_class = _BusyServer


@pytest.fixture
def api_server(transactional_db):
    """A threaded live server (one thread and one database connection per request) whose
    settings are this process's, so a settings override reaches it."""
    thread = _ServerThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    thread.join(timeout=30)


@pytest.fixture
def contested(transactional_db):
    """A capacity-3 package and 40 onboarded sponsors with API tokens."""
    event = make_event(site_tree()[1])
    make_terms(event)
    package = make_package(
        event,
        title="Exclusive side-event room",
        category=PackageCategory.SIDE_EVENT,
        price="8000.00",
        capacity=CAPACITY,
        max_per_sponsor=1,
    )
    tokens = [make_token(make_sponsor()[0]) for _ in range(SPONSORS)]
    return package, tokens


@pytest.fixture
def without_the_package_lock(monkeypatch):
    """`create_pledge` as it would be without the package row lock: the package is read
    unlocked, and a pause between the check and the write widens the race."""
    check_slots = services.check_slots

    def read_unlocked(package_id):
        return (
            SponsorshipPackagePage.objects.filter(pk=package_id)
            .values("capacity", "max_per_sponsor")
            .get()
        )

    def check_then_pause(*args, **kwargs):
        check_slots(*args, **kwargs)
        time.sleep(RACE_WINDOW_SECONDS)

    monkeypatch.setattr(services, "lock_package", read_unlocked)
    monkeypatch.setattr(services, "check_slots", check_then_pause)


def pledge_all_at_once(base_url: str, package_id: int, tokens: list[str]) -> list[tuple]:
    """POST one pledge per token, all threads released together by a barrier."""
    barrier = threading.Barrier(len(tokens))
    results: list[tuple] = [None] * len(tokens)

    def client(index, token):
        with requests.Session() as session:
            barrier.wait(timeout=60)
            response = session.post(
                f"{base_url}/api/v1/pledges/",
                json={
                    "package": package_id,
                    "quantity": 1,
                    "payment_method": "card",
                    "accept_terms": True,
                },
                headers={"Authorization": f"Token {token}"},
                timeout=120,
            )
            results[index] = (response.status_code, response.json())

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert all(result is not None for result in results), "a client got no answer"
    return results


def held_quantity(package) -> int:
    return (
        Pledge.objects.filter(package=package, status__in=SLOT_HOLDING_STATES).aggregate(
            total=Sum("quantity")
        )["total"]
        or 0
    )


def test_forty_sponsors_at_once_get_exactly_three_holds(api_server, contested):
    package, tokens = contested
    results = pledge_all_at_once(api_server, package.pk, tokens)

    statuses = sorted(status for status, _body in results)
    assert statuses.count(201) == CAPACITY
    assert statuses.count(409) == SPONSORS - CAPACITY
    refusals = {body["detail"] for status, body in results if status == 409}
    assert refusals <= {
        "Sold out: none of this package is left.",
        "Not enough left: only 1 of this package remain.",
        "Not enough left: only 2 of this package remain.",
    }
    assert "Sold out: none of this package is left." in refusals
    assert held_quantity(package) == CAPACITY
    references = {body["reference"] for status, body in results if status == 201}
    assert set(Pledge.objects.values_list("reference", flat=True)) == references


def test_without_the_lock_the_same_race_oversells(api_server, contested, without_the_package_lock):
    """The control: proves the test above would catch a missing lock."""
    package, tokens = contested
    results = pledge_all_at_once(api_server, package.pk, tokens)

    created = sum(1 for status, _body in results if status == 201)
    print(f"without the lock: {created} holds of {CAPACITY}")
    assert created > CAPACITY, f"expected an oversell without the lock, got {created} holds"
    assert held_quantity(package) > CAPACITY


def test_the_lock_holds_the_package_row_not_wagtails_page_row(contested):
    """`lock_package` locks events_sponsorshippackagepage only, so editors working on the page
    tree (wagtailcore_page) are not blocked by pledging, while a second pledger waits."""
    package, _tokens = contested
    outcome = {}

    def second_connection():
        from django.db import connection as other

        try:
            with transaction.atomic():
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT id FROM wagtailcore_page WHERE id = %s FOR UPDATE NOWAIT",
                        [package.pk],
                    )
                    outcome["page_row"] = "free"
        except OperationalError:
            outcome["page_row"] = "locked"
        try:
            with transaction.atomic():
                with other.cursor() as cursor:
                    cursor.execute(
                        "SELECT page_ptr_id FROM events_sponsorshippackagepage "
                        "WHERE page_ptr_id = %s FOR UPDATE NOWAIT",
                        [package.pk],
                    )
                    outcome["package_row"] = "free"
        except OperationalError:
            outcome["package_row"] = "locked"
        finally:
            other.close()

    with transaction.atomic():
        with connection.execute_wrapper(_record_sql(outcome)):
            lock_package(package.pk)
        thread = threading.Thread(target=second_connection)
        thread.start()
        thread.join(timeout=30)

    assert outcome["page_row"] == "free"
    assert outcome["package_row"] == "locked"
    assert 'FOR UPDATE OF "events_sponsorshippackagepage"' in outcome["sql"]


def _record_sql(outcome):
    def wrapper(execute, sql, params, many, context):
        outcome["sql"] = sql
        return execute(sql, params, many, context)

    return wrapper
