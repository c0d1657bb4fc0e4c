"""A paid pledge's benefits become tasks: once, with the right kinds, quantities, due dates and
teams, enqueued through the outbox inside the transaction that marks the pledge paid."""

import datetime
import threading

import pytest
from django.db import connection, transaction

from marketplace.fulfilment.models import BenefitTask, BenefitTaskChange
from marketplace.fulfilment.services import create_tasks_for_pledge
from marketplace.fulfilment.tasks import create_benefit_tasks
from marketplace.pledges.models import Pledge
from tests.factories import pledge_for
from tests.fulfilment.conftest import pay
from worker import outbox
from worker.models import OutboxMessage


def _summary(tasks):
    return sorted((t.kind, t.unit, t.quantity, t.team, t.due_date) for t in tasks)


def test_each_benefit_of_a_paid_pledge_becomes_tasks_with_due_date_and_team(
    sponsor, package, event
):
    pledge = pay(pledge_for(sponsor, package, quantity=2))
    tasks = create_tasks_for_pledge(pledge.pk)

    start = event.start_date
    days = datetime.timedelta
    assert _summary(tasks) == sorted(
        [
            ("logo_website", 1, 2, "communications", start - days(30)),
            ("passes", 1, 6, "protocol", start - days(21)),
            # Posts are delivered (and proven) one by one: 2 per pledge unit × 2 units.
            ("social_media", 1, 1, "communications", start - days(7)),
            ("social_media", 2, 1, "communications", start - days(7)),
            ("social_media", 3, 1, "communications", start - days(7)),
            ("social_media", 4, 1, "communications", start - days(7)),
            ("press_release", 1, 2, "communications", start - days(14)),
            ("exhibition", 1, 2, "logistics", start - days(10)),
        ]
    )
    posts = [t for t in tasks if t.kind == "social_media"]
    assert [t.title for t in posts] == [f"Social media post ({n} of 4)" for n in (1, 2, 3, 4)]
    assert next(t for t in tasks if t.kind == "passes").title == "Complimentary passes"
    task = tasks[0]
    assert (task.organisation, task.event_id, task.package_category, task.state) == (
        sponsor[1],
        event.pk,
        "headline",
        "to_do",
    )
    entry = task.history.get()
    assert (entry.from_state, entry.to_state, entry.actor) == ("", "to_do", None)
    assert pledge.reference in entry.reason


def test_creating_the_tasks_twice_gives_the_same_tasks(sponsor, package):
    pledge = pay(pledge_for(sponsor, package))
    first = create_tasks_for_pledge(pledge.pk)
    second = create_tasks_for_pledge(pledge.pk)

    assert [t.pk for t in first] == [t.pk for t in second]
    assert BenefitTask.objects.count() == 6
    assert BenefitTaskChange.objects.count() == 6  # one creation entry each, not two


def test_a_pledge_that_is_not_paid_gets_no_tasks(sponsor, package):
    pledge = pledge_for(sponsor, package)
    assert create_tasks_for_pledge(pledge.pk) == []
    assert not BenefitTask.objects.exists()


def test_creation_is_enqueued_inside_the_transaction_that_marks_the_pledge_paid(sponsor, package):
    pledge = pledge_for(sponsor, package)

    # Rolled back: the pledge is not paid and nothing is queued.
    with pytest.raises(RuntimeError), transaction.atomic():
        pay(pledge)
        assert OutboxMessage.objects.filter(key=f"fulfilment:{pledge.pk}").exists()
        raise RuntimeError("roll back")
    assert Pledge.objects.get(pk=pledge.pk).status != "paid"
    assert not OutboxMessage.objects.filter(key=f"fulfilment:{pledge.pk}").exists()

    pay(pledge)  # committed (within the test's transaction); on-commit hooks not run yet
    message = OutboxMessage.objects.get(key=f"fulfilment:{pledge.pk}")
    assert (message.task_name, message.args) == (
        "marketplace.fulfilment.tasks.create_benefit_tasks",
        [pledge.pk],
    )
    assert not BenefitTask.objects.exists()

    assert outbox.publish(message.pk)  # eager in tests: what a worker does once published
    assert BenefitTask.objects.filter(pledge=pledge).count() == 6
    # A second publish of the same key (a redelivery) changes nothing.
    outbox.enqueue(create_benefit_tasks, pledge.pk, key=f"fulfilment:{pledge.pk}")
    assert OutboxMessage.objects.filter(key__startswith="fulfilment:").count() == 1
    assert BenefitTask.objects.filter(pledge=pledge).count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_creating_the_tasks_at_once_create_them_once(sponsor, package):
    pledge = pay(pledge_for(sponsor, package))
    barrier = threading.Barrier(2)
    errors = []

    def work():
        try:
            barrier.wait(timeout=10)
            create_tasks_for_pledge(pledge.pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert BenefitTask.objects.filter(pledge=pledge).count() == 6
    assert BenefitTaskChange.objects.count() == 6
