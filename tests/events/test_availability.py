"""What a sponsor reads about a package's availability."""

import datetime

import time_machine
from django.utils import timezone

from events.availability import Availability, Status, availability_for
from tests.factories import make_event, make_package


def test_labels_follow_capacity_and_taken():
    # Exclusive (capacity 1) is a property of the package, not its status.
    assert Availability(capacity=1, taken=0, closed=False).label == "Available"
    assert Availability(capacity=1, taken=1, closed=False).label == "Sold out"
    assert Availability(capacity=4, taken=2, closed=False).label == "2 of 4 left"
    assert Availability(capacity=4, taken=4, closed=False).label == "Sold out"
    assert Availability(capacity=None, taken=9, closed=False).label == "Available"
    assert Availability(capacity=4, taken=0, closed=True).label == "Closed"


def test_available_is_none_when_unlimited_and_never_negative():
    assert Availability(capacity=None, taken=5, closed=False).available is None
    assert Availability(capacity=3, taken=5, closed=False).available == 0
    assert Availability(capacity=3, taken=5, closed=False).status == Status.SOLD_OUT


def test_closed_after_the_sponsorship_deadline(tree):
    event = make_event(tree[1], sponsorship_deadline=timezone.localdate() + datetime.timedelta(1))
    package = make_package(event, capacity=4)
    assert availability_for([package])[package.pk].status == Status.AVAILABLE
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        result = availability_for([package])[package.pk]
    assert result.status == Status.CLOSED
    assert result.label == "Closed"


def test_event_page_shows_each_packages_availability(client, tree):
    event = make_event(tree[1])
    make_package(event, title="Networking dinner", slug="dinner", capacity=1)
    make_package(event, title="Coffee break", slug="coffee", capacity=4)
    make_package(event, title="Social post", slug="post", capacity=None)
    html = client.get(event.url).content.decode()
    assert "Exclusive" in html
    assert "4 of 4 left" in html
    assert "Available" in html
