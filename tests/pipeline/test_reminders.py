"""Daily reminders: next actions due, agreements expiring in 90 and 30 days — each sent once."""

import datetime

import pytest
from django.core import mail

from register.pipeline import reminders
from register.pipeline.models import Interaction
from tests.pipeline.conftest import agreement, partner
from worker.models import MailLog

TODAY = datetime.date(2026, 5, 4)


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def orbit(db):
    return partner("Orbit Networks")


def interaction(orbit, staff, next_on, **fields):
    return Interaction.objects.create(
        partner=orbit,
        kind="meeting",
        happened_on=days(-10),
        staff=staff,
        summary="Discussed the schools project.",
        next_action=fields.pop("next", "Send the proposal"),
        next_action_on=next_on,
        **fields,
    )


def test_a_next_action_due_is_reminded_once_however_often_beat_runs(
    orbit, owner, django_capture_on_commit_callbacks
):
    due = interaction(orbit, owner, days(0))
    interaction(orbit, owner, days(3))  # not yet due
    interaction(orbit, owner, days(-2), next_action_done=True)  # done
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_next_action_reminders(TODAY) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_next_action_reminders(TODAY) == 0
        assert reminders.send_next_action_reminders(days(1)) == 0  # still the same action
    logs = MailLog.objects.filter(template="pipeline/email/next_action")
    assert list(logs.values_list("key", "to")) == [
        (f"pipeline:next-action:{due.pk}:20260504", "bea@example.org")
    ]
    assert "Send the proposal" in logs.get().subject
    assert len(mail.outbox) == 1


def test_a_next_action_moved_to_a_new_date_is_reminded_again(orbit, owner):
    due = interaction(orbit, owner, days(0))
    assert reminders.send_next_action_reminders(TODAY) == 1
    due.next_action_on = days(7)
    due.save()
    assert reminders.send_next_action_reminders(days(7)) == 1
    assert MailLog.objects.filter(template="pipeline/email/next_action").count() == 2


def test_an_agreement_expiring_is_announced_at_90_then_at_30_days_once_each(orbit, owner):
    expiring = agreement(
        "BDT/2024/007", [orbit], signed_on=datetime.date(2024, 1, 1), expiry=days(80), owner=owner
    )
    assert reminders.send_expiry_reminders(TODAY) == 1
    assert reminders.send_expiry_reminders(days(1)) == 0  # still in the 90-day window
    assert reminders.send_expiry_reminders(days(50)) == 1  # 30 days left
    assert reminders.send_expiry_reminders(days(60)) == 0
    keys = sorted(MailLog.objects.filter(template="pipeline/email/expiry").values_list("key", "to"))
    assert keys == [
        (f"pipeline:expiry-30:{expiring.pk}:20260723", "bea@example.org"),
        (f"pipeline:expiry-90:{expiring.pk}:20260723", "bea@example.org"),
    ]
    assert "expires in 80 days" in MailLog.objects.get(key=keys[1][0]).subject


def test_an_agreement_first_seen_inside_30_days_gets_only_the_30_day_reminder(orbit, owner):
    agreement(
        "BDT/2024/008", [orbit], signed_on=datetime.date(2024, 1, 1), expiry=days(20), owner=owner
    )
    assert reminders.send_expiry_reminders(TODAY) == 1
    assert MailLog.objects.get(template="pipeline/email/expiry").key.startswith(
        "pipeline:expiry-30:"
    )


def test_no_reminder_without_an_owner_for_expired_or_far_agreements(orbit, owner):
    agreement("A", [orbit], signed_on=datetime.date(2024, 1, 1), expiry=days(10))  # no owner
    agreement("B", [orbit], signed_on=datetime.date(2024, 1, 1), expiry=days(-1), owner=owner)
    agreement("C", [orbit], signed_on=datetime.date(2024, 1, 1), expiry=days(91), owner=owner)
    agreement(
        "D",
        [orbit],
        signed_on=datetime.date(2024, 1, 1),
        expiry=days(5),
        owner=owner,
        status="terminated",
    )
    assert reminders.send_expiry_reminders(TODAY) == 0
    assert not MailLog.objects.exists()


def test_the_daily_beat_entry_runs_the_pipeline_reminders(orbit, owner):
    from worker.app import app

    entry = app.conf.beat_schedule["pipeline-reminders"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    interaction(orbit, owner, datetime.date.today())
    result = app.tasks[entry["task"]].apply().get()
    assert result == {"next_actions": 1, "expiring_agreements": 0}
