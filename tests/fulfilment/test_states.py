"""The task state machine: every allowed move works and is logged (who, when, from, to, why);
every other move is refused with a domain error and changes nothing."""

import datetime
import itertools

import pytest
import time_machine
from django.utils import timezone

from marketplace.fulfilment import services
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.states import (
    ALLOWED_MOVES,
    FulfilmentError,
    InvalidTaskMove,
    TaskState,
    check_move,
)
from tests.fulfilment.images import jpeg

S = TaskState
EXPECTED = {
    (S.TO_DO, S.IN_PROGRESS),
    (S.TO_DO, S.WAIVED),
    (S.IN_PROGRESS, S.DELIVERED),
    (S.IN_PROGRESS, S.WAIVED),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))
# Every move a service can ask for (no service moves a task back to "to do").
SERVICE_PAIRS = list(itertools.product(S.values, [S.IN_PROGRESS, S.DELIVERED, S.WAIVED]))


def test_the_table_allows_exactly_the_documented_moves():
    allowed = {(a, b) for a, targets in ALLOWED_MOVES.items() for b in targets}
    assert allowed == EXPECTED
    for from_state, to_state in ALL_PAIRS:
        if (from_state, to_state) in EXPECTED:
            check_move(from_state, to_state)
        else:
            with pytest.raises(InvalidTaskMove):
                check_move(from_state, to_state)


def _perform(task, to_state, actor):
    if to_state == S.IN_PROGRESS:
        return services.start(task, actor=actor)
    if to_state == S.DELIVERED:
        return services.deliver(task, actor=actor, proof_url="https://example.org/sponsors")
    return services.waive(task, actor=actor, reason="The sponsor declined the passes.")


@pytest.mark.parametrize(("from_state", "to_state"), SERVICE_PAIRS)
def test_every_move_through_the_services(paid, organiser, from_state, to_state):
    pledge, tasks = paid
    task = tasks[0]
    BenefitTask.objects.filter(pk=task.pk).update(state=from_state)
    task.refresh_from_db()
    before = task.history.count()

    if (from_state, to_state) in EXPECTED:
        moved = _perform(task, to_state, organiser)
        assert moved.state == to_state
        assert BenefitTask.objects.get(pk=task.pk).state == to_state
        entry = task.history.order_by("-pk").first()
        assert (entry.actor, entry.from_state, entry.to_state) == (organiser, from_state, to_state)
        assert task.history.count() == before + 1
    else:
        with pytest.raises(InvalidTaskMove):
            _perform(task, to_state, organiser)
        refreshed = BenefitTask.objects.get(pk=task.pk)
        assert refreshed.state == from_state
        assert (refreshed.proof_url, refreshed.waived_reason) == ("", "")
        assert task.history.count() == before


def test_the_audit_entry_records_when_and_why(paid, organiser):
    task = paid[1][0]
    moment = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=3)
    with time_machine.travel(moment, tick=False):
        services.start(task, actor=organiser)
        services.waive(task, actor=organiser, reason="  Sponsor withdrew the banner.  ")
    entries = list(task.history.order_by("pk"))[1:]
    assert [(e.from_state, e.to_state, e.at) for e in entries] == [
        ("to_do", "in_progress", moment),
        ("in_progress", "waived", moment),
    ]
    assert entries[1].reason == "Sponsor withdrew the banner."
    assert BenefitTask.objects.get(pk=task.pk).waived_reason == "Sponsor withdrew the banner."


def test_waiving_needs_a_reason(paid, organiser):
    task = paid[1][0]
    with pytest.raises(FulfilmentError) as error:
        services.waive(task, actor=organiser, reason="   ")
    assert error.value.field == "reason"
    assert BenefitTask.objects.get(pk=task.pk).state == "to_do"


def test_delivering_needs_a_proof_and_keeps_a_photo_privately(paid, organiser, settings):
    task = paid[1][0]
    services.start(task, actor=organiser)
    with pytest.raises(FulfilmentError) as error:
        services.deliver(task, actor=organiser)
    assert error.value.field == "proof_file"
    assert BenefitTask.objects.get(pk=task.pk).state == "in_progress"

    delivered = services.deliver(task, actor=organiser, proof_file=jpeg(name="wall.jpg"))
    assert delivered.state == "delivered" and delivered.delivered_at is not None
    assert delivered.proof_is_photo and delivered.proof_filename == "wall.jpg"
    stored = settings.PRIVATE_DOCUMENTS_ROOT / "fulfilment" / delivered.proof_file.name
    assert stored.exists()
    assert not (settings.MEDIA_ROOT / delivered.proof_file.name).exists()


def test_a_refused_delivery_stores_no_proof_file(paid, organiser, settings):
    task = paid[1][0]  # still to do: delivering is not allowed yet
    with pytest.raises(InvalidTaskMove):
        services.deliver(task, actor=organiser, proof_file=jpeg())
    root = settings.PRIVATE_DOCUMENTS_ROOT / "fulfilment"
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))
    assert not BenefitTask.objects.get(pk=task.pk).proof_file
