"""Reminders from beat, each sent once per window however often the beat task runs, and from
two workers at once: payment due, hold about to expire, assets missing (7 and 2 days before),
the organisers' overdue digest and the post-event report."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from marketplace.fulfilment import services
from marketplace.fulfilment.tasks import remind_fulfilment
from marketplace.pledges.moves import extend_hold, transition
from marketplace.pledges.tasks import remind_payments
from sponsors.models import Contact, ContactRole
from tests.factories import pledge_for
from tests.fulfilment.images import png
from worker.models import MailLog

DAY = datetime.timedelta(days=1)


def run(task):
    return task.apply().result  # eager, as a worker runs it (errors propagate)


def keys(prefix):
    return sorted(MailLog.objects.filter(key__startswith=prefix).values_list("key", flat=True))


@pytest.fixture
def awaiting_payment(sponsor, package):
    Contact.objects.create(
        organisation=sponsor[1], role=ContactRole.FINANCE, name="Ravi", email="ap@acme.example"
    )
    pledge = pledge_for(sponsor, package, payment_method="bank_transfer")
    return transition(pledge, "awaiting_payment", reason="Invoice issued.")


def test_payment_due_is_sent_once_three_days_before_the_hold_ends(awaiting_payment):
    pledge = awaiting_payment
    ends = pledge.expires_at
    with time_machine.travel(ends - 3 * DAY - datetime.timedelta(hours=1), tick=False):
        assert run(remind_payments) == {"payment-due": 0, "hold-expiring": 0}
    with time_machine.travel(ends - 3 * DAY + datetime.timedelta(minutes=1), tick=False):
        assert run(remind_payments)["payment-due"] == 1
        assert run(remind_payments)["payment-due"] == 0  # a rerun in the same window
    with time_machine.travel(ends - 2 * DAY, tick=False):
        assert run(remind_payments) == {"payment-due": 0, "hold-expiring": 0}
    [mail] = MailLog.objects.filter(key__startswith="reminder:payment-due:")
    assert mail.recipients == ["ap@acme.example", "maya@acme.example"]
    assert mail.subject.startswith(f"[Sponsorship] Pledge {pledge.reference}: payment due by")
    assert mail.pledge_id == pledge.pk and mail.body_html and mail.body_text


def test_hold_expiring_is_sent_once_in_the_last_24_hours(awaiting_payment):
    pledge = awaiting_payment
    ends = pledge.expires_at
    with time_machine.travel(ends - DAY + datetime.timedelta(minutes=5), tick=False):
        assert run(remind_payments) == {"payment-due": 0, "hold-expiring": 1}
        assert run(remind_payments) == {"payment-due": 0, "hold-expiring": 0}
    with time_machine.travel(ends - datetime.timedelta(minutes=1), tick=False):
        assert run(remind_payments)["hold-expiring"] == 0
    with time_machine.travel(ends + datetime.timedelta(minutes=1), tick=False):
        assert run(remind_payments)["hold-expiring"] == 0  # over: the hold has ended
    assert len(keys("reminder:hold-expiring:")) == 1


def test_an_extended_hold_is_a_new_window(awaiting_payment, organiser):
    pledge = awaiting_payment
    with time_machine.travel(pledge.expires_at - datetime.timedelta(hours=2), tick=False):
        run(remind_payments)
        new_end = pledge.expires_at + 5 * DAY
        extend_hold(pledge, actor=organiser, until=new_end)
    with time_machine.travel(new_end - datetime.timedelta(hours=2), tick=False):
        assert run(remind_payments)["hold-expiring"] == 1
    assert len(keys("reminder:hold-expiring:")) == 2


def test_a_card_hold_is_reminded_ten_minutes_before_it_ends(sponsor, package):
    pledge = pledge_for(sponsor, package, payment_method="card")
    ends = pledge.expires_at
    with time_machine.travel(ends - datetime.timedelta(minutes=11), tick=False):
        assert run(remind_payments)["hold-expiring"] == 0
    with time_machine.travel(ends - datetime.timedelta(minutes=9), tick=False):
        assert run(remind_payments)["hold-expiring"] == 1
        assert run(remind_payments)["hold-expiring"] == 0


def test_pledges_awaiting_approval_or_paid_are_not_chased(sponsor, package, paid):
    pledge = pledge_for(sponsor, package)
    transition(pledge, "awaiting_approval")
    with time_machine.travel(pledge.expires_at - datetime.timedelta(hours=1), tick=False):
        assert run(remind_payments) == {"payment-due": 0, "hold-expiring": 0}


def _logo(tasks):
    return next(task for task in tasks if task.kind == "logo_website")


def test_missing_assets_are_chased_7_and_2_days_before_the_due_date(paid):
    pledge, tasks = paid
    due = _logo(tasks).due_date
    sent = {}
    for days_before in (8, 7, 7, 5, 3, 2, 2, 1, 0, -1):
        when = timezone.make_aware(
            datetime.datetime.combine(due - days_before * DAY, datetime.time(9))
        )
        with time_machine.travel(when, tick=False):
            sent.setdefault(days_before, []).append(run(remind_fulfilment)["assets_missing"])
    assert sent == {8: [0], 7: [1, 0], 5: [0], 3: [0], 2: [1, 0], 1: [0], 0: [0], -1: [0]}
    assert keys("fulfilment:assets-missing:") == [
        f"fulfilment:assets-missing:{pledge.pk}:{due}:2d",
        f"fulfilment:assets-missing:{pledge.pk}:{due}:7d",
    ]
    mail = MailLog.objects.get(key__endswith=":7d")
    assert "Logo on website" in mail.body_text
    assert f"/account/benefits/{_logo(tasks).public_id}/" in mail.body_text
    assert mail.recipients == ["maya@acme.example"]


def test_no_reminder_once_the_asset_is_supplied(paid, sponsor):
    pledge, tasks = paid
    logo = _logo(tasks)
    services.submit_asset(logo, user=sponsor[0], upload=png())
    when = timezone.make_aware(datetime.datetime.combine(logo.due_date - 2 * DAY, datetime.time(9)))
    with time_machine.travel(when, tick=False):
        assert run(remind_fulfilment)["assets_missing"] == 0


def test_the_overdue_digest_goes_to_the_organisers_once_a_day(paid, organiser):
    pledge, tasks = paid
    logo = _logo(tasks)
    first_day = timezone.make_aware(
        datetime.datetime.combine(logo.due_date + DAY, datetime.time(8))
    )
    with time_machine.travel(first_day, tick=False):
        assert run(remind_fulfilment)["overdue_digests"] == 1
        assert run(remind_fulfilment)["overdue_digests"] == 0
    with time_machine.travel(first_day + datetime.timedelta(hours=10), tick=False):
        assert run(remind_fulfilment)["overdue_digests"] == 0  # same day
    with time_machine.travel(first_day + DAY, tick=False):
        assert run(remind_fulfilment)["overdue_digests"] == 1
    digest = MailLog.objects.get(key=f"fulfilment:overdue:{pledge.event_id}:{logo.due_date + DAY}")
    assert digest.recipients == ["events@example.org"]
    assert "1 benefit task overdue" in digest.subject
    assert "Acme" in digest.body_text and "1 day late" in digest.body_text
    assert f"/admin/fulfilment/event/{pledge.event_id}/?overdue=on" in digest.body_text

    services.start(logo, actor=organiser)
    services.deliver(logo, actor=organiser, proof_url="https://example.org/wall")
    with time_machine.travel(first_day + 2 * DAY, tick=False):
        assert run(remind_fulfilment)["overdue_digests"] == 0  # nothing overdue any more


def test_the_post_event_report_is_sent_once_after_the_event(paid, organiser):
    pledge, tasks = paid
    event = pledge.event
    logo = _logo(tasks)
    services.start(logo, actor=organiser)
    services.deliver(logo, actor=organiser, proof_url="https://example.org/gsr/sponsors")
    during = timezone.make_aware(datetime.datetime.combine(event.end_date, datetime.time(20)))
    with time_machine.travel(during, tick=False):
        assert run(remind_fulfilment)["reports"] == 0
    with time_machine.travel(during + DAY, tick=False):
        assert run(remind_fulfilment)["reports"] == 1
        assert run(remind_fulfilment)["reports"] == 0
    with time_machine.travel(during + 5 * DAY, tick=False):
        assert run(remind_fulfilment)["reports"] == 0
    report = MailLog.objects.get(key=f"fulfilment:report:{pledge.pk}")
    [attachment] = report.attachments
    assert attachment["filename"] == f"benefits-{pledge.reference}.pdf"
    assert attachment["mimetype"] == "application/pdf"
    assert "https://example.org/gsr/sponsors" in report.body_text


def test_reports_are_not_sent_for_long_past_events(paid):
    pledge, _tasks = paid
    long_after = timezone.make_aware(
        datetime.datetime.combine(pledge.event.end_date + 31 * DAY, datetime.time(9))
    )
    with time_machine.travel(long_after, tick=False):
        assert run(remind_fulfilment)["reports"] == 0


def _in_two_threads(task):
    barrier = threading.Barrier(2)
    errors = []

    def work():
        try:
            barrier.wait(timeout=10)
            run(task)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_payment_reminder_once(awaiting_payment):
    with time_machine.travel(awaiting_payment.expires_at - 2 * DAY, tick=False):
        _in_two_threads(remind_payments)
        _in_two_threads(remind_payments)
    assert len(keys("reminder:payment-due:")) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_fulfilment_reminder_once(paid):
    pledge, tasks = paid
    due = _logo(tasks).due_date
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(due + DAY, datetime.time(9))), tick=False
    ):
        _in_two_threads(remind_fulfilment)
    with time_machine.travel(
        timezone.make_aware(
            datetime.datetime.combine(pledge.event.end_date + DAY, datetime.time(9))
        ),
        tick=False,
    ):
        _in_two_threads(remind_fulfilment)
    assert len(keys("fulfilment:overdue:")) == 2  # one per day, not per worker
    assert len(keys("fulfilment:report:")) == 1
