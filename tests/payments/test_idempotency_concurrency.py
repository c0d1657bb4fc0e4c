"""Copies of one request sent at the same instant with one Idempotency-Key: exactly one runs,
proven against a live server on PostgreSQL. The same storm without the key makes several
pledges, so the test can fail."""

import threading

import pytest
import requests

from marketplace.pledges.models import Pledge
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    make_token,
    site_tree,
)
from tests.pledges.test_concurrency import api_server  # noqa: F401 (the live server fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COPIES = 8


@pytest.fixture
def storm_setup(transactional_db):
    _home, index = site_tree()
    event = make_event(index)
    make_terms(event)
    package = make_package(event, title="Lanyards", capacity=None, max_per_sponsor=COPIES)
    user, _organisation = make_sponsor()
    return package, make_token(user)


def storm(base_url, package_id, token, key=None):
    barrier = threading.Barrier(COPIES)
    results = [None] * COPIES
    headers = {"Authorization": f"Token {token}"}
    if key:
        headers["Idempotency-Key"] = key

    def send(index):
        with requests.Session() as session:
            barrier.wait(timeout=60)
            response = session.post(
                f"{base_url}/api/v1/pledges/",
                json={
                    "package": package_id,
                    "quantity": 1,
                    "payment_method": "bank_transfer",
                    "accept_terms": True,
                },
                headers=headers,
                timeout=120,
            )
            results[index] = (response.status_code, response.headers.get("Idempotent-Replayed"))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert all(result is not None for result in results), "a copy got no answer"
    return results


def test_simultaneous_copies_with_one_key_make_one_pledge(api_server, storm_setup):  # noqa: F811
    package, token = storm_setup
    results = storm(api_server, package.pk, token, key="double-click")
    assert Pledge.objects.count() == 1
    fresh = [r for r in results if r == (201, None)]
    assert len(fresh) == 1, results
    # Every other copy was told the first is running, or got its answer replayed.
    assert all(r in {(409, None), (201, "true")} for r in results if r not in fresh), results


def test_without_the_key_the_same_storm_makes_several(api_server, storm_setup):  # noqa: F811
    package, token = storm_setup
    storm(api_server, package.pk, token)
    assert Pledge.objects.count() > 1
