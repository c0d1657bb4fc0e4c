""" "Agreement unsigned after N days": one reminder per window, whatever the number of workers
or reruns; none once signed; N from the event's policy."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from marketplace.agreements.models import AgreementPolicy, AgreementReminder
from marketplace.agreements.reminders import (
    MAX_REMINDERS,
    due_reminders,
    remind_unsigned,
    send_reminder,
)
from tests.agreements.conftest import SIGNATORY_EMAIL, agreement_mails
from worker.app import app
from worker.models import MailLog

DAY = datetime.timedelta(days=1)


def reminders_sent():
    return MailLog.objects.filter(key__contains=":reminder:").count()


def test_nothing_before_n_days_then_one_reminder_however_often_beat_runs(
    sent_agreement, on_commit, mailoutbox
):
    start = sent_agreement.sent_at
    with time_machine.travel(start + 7 * DAY - datetime.timedelta(minutes=1)):
        assert remind_unsigned() == 0
    with time_machine.travel(start + 7 * DAY + datetime.timedelta(hours=1)), on_commit():
        assert remind_unsigned() == 1
        assert remind_unsigned() == 0  # the next hourly run, same window
        app.tasks["marketplace.agreements.tasks.remind_unsigned"].apply()  # the task, once more
    [mail] = agreement_mails(mailoutbox, "Reminder")
    assert mail.to == [SIGNATORY_EMAIL]
    assert sent_agreement.number in mail.subject
    assert f"since {start.date().isoformat()}" in mail.body
    assert f"/account/agreements/{sent_agreement.public_id}/" in mail.body
    assert list(AgreementReminder.objects.values_list("window", flat=True)) == [1]


def test_two_workers_that_both_saw_the_window_due_send_one_reminder(sent_agreement):
    with time_machine.travel(sent_agreement.sent_at + 8 * DAY):
        first_worker = due_reminders()
        second_worker = due_reminders()
        assert first_worker == second_worker == [(sent_agreement.pk, 1)]
        sent = [send_reminder(pk, window) for pk, window in first_worker + second_worker]
    assert sent == [True, False]
    assert reminders_sent() == 1


def test_each_window_gets_its_reminder_up_to_the_maximum(sent_agreement):
    start = sent_agreement.sent_at
    for days in (7, 8, 14, 15, 21, 28, 70):
        with time_machine.travel(start + days * DAY + datetime.timedelta(minutes=5)):
            remind_unsigned()
    assert list(AgreementReminder.objects.values_list("window", flat=True)) == [1, 2, 3]
    assert reminders_sent() == MAX_REMINDERS == 3


def test_the_events_policy_sets_n(sent_agreement, event):
    AgreementPolicy.objects.create(event=event, unsigned_reminder_days=2)
    with time_machine.travel(sent_agreement.sent_at + 2 * DAY + datetime.timedelta(minutes=1)):
        assert remind_unsigned() == 1
    with time_machine.travel(sent_agreement.sent_at + 4 * DAY + datetime.timedelta(minutes=1)):
        assert remind_unsigned() == 1
    assert reminders_sent() == 2


def test_a_signed_or_replaced_agreement_is_not_chased(signed_agreement):
    with time_machine.travel(signed_agreement.sent_at + 30 * DAY):
        assert due_reminders() == []
        assert remind_unsigned() == 0
        assert send_reminder(signed_agreement.pk, 1) is False
    assert reminders_sent() == 0


def test_a_cancelled_deal_is_not_chased(sent_agreement):
    from marketplace.pledges.models import Pledge

    Pledge.objects.filter(pk=sent_agreement.pledge_id).update(status="refunded")
    with time_machine.travel(sent_agreement.sent_at + 30 * DAY):
        assert remind_unsigned() == 0


def test_beat_runs_the_reminder_every_hour():
    entry = app.conf.beat_schedule["remind-unsigned-agreements"]
    assert entry["task"] == "marketplace.agreements.tasks.remind_unsigned"
    assert entry["schedule"].hour == set(range(24)) and len(entry["schedule"].minute) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_workers_on_postgresql_send_one_reminder_per_window(
    pledge, clauses, django_capture_on_commit_callbacks
):
    from marketplace.agreements.models import Agreement
    from tests.agreements.conftest import pay

    with django_capture_on_commit_callbacks(execute=True):
        pay(pledge)
    agreement = Agreement.objects.get(pledge=pledge)
    now = agreement.sent_at + 7 * DAY + datetime.timedelta(hours=1)
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(remind_unsigned(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [0, 0, 0, 1]
    assert reminders_sent() == 1
    assert AgreementReminder.objects.filter(agreement=agreement).count() == 1
