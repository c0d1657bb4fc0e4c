"""Holds run out: the beat task expires them with frozen time, frees their slots, emails the
sponsor, and a second run does nothing more."""

import datetime

import time_machine
from celery.schedules import crontab
from django.utils import timezone

from events.availability import availability_for
from events.models import SponsorshipPackagePage
from marketplace.pledges.models import Pledge
from marketplace.pledges.services import expire_overdue
from marketplace.pledges.tasks import expire_overdue_holds
from tests.factories import make_package, pledge_for
from worker.app import app

START = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


def _available(package):
    package = SponsorshipPackagePage.objects.get(pk=package.pk)
    return availability_for([package])[package.pk].available


def test_card_hold_expires_after_thirty_minutes_and_only_once(
    package, sponsor, on_commit, mailoutbox
):
    with time_machine.travel(START, tick=False):
        pledge = pledge_for(sponsor, package, quantity=2, payment_method="card")
    assert pledge.expires_at == START + datetime.timedelta(minutes=30)
    mailoutbox.clear()

    with time_machine.travel(START + datetime.timedelta(minutes=29, seconds=59), tick=False):
        assert expire_overdue() == 0
    assert Pledge.objects.get(pk=pledge.pk).status == "held"
    assert _available(package) == 1

    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        with on_commit():
            assert expire_overdue() == 1
        with on_commit():
            assert expire_overdue() == 0  # idempotent: nothing more to do
    pledge.refresh_from_db()
    assert pledge.status == "expired"
    assert [(e.from_state, e.to_state, e.actor) for e in pledge.history.all()][-1] == (
        "held",
        "expired",
        None,
    )
    assert pledge.history.filter(to_state="expired").count() == 1
    assert _available(package) == 3
    assert [m.subject for m in mailoutbox] == [f"[Sponsorship] Pledge {pledge.reference} expired"]


def test_bank_transfer_hold_lasts_fourteen_days(package, sponsor):
    with time_machine.travel(START, tick=False):
        pledge = pledge_for(sponsor, package, payment_method="bank_transfer")
    with time_machine.travel(START + datetime.timedelta(days=13, hours=23), tick=False):
        assert expire_overdue() == 0
    with time_machine.travel(START + datetime.timedelta(days=14), tick=False):
        assert expire_overdue() == 1
    assert Pledge.objects.get(pk=pledge.pk).status == "expired"


def test_awaiting_approval_and_awaiting_payment_expire_too(event, sponsor, other_sponsor):
    approval = make_package(event, title="Dinner", capacity=1, requires_approval=True)
    plain = make_package(event, title="Lanyards", capacity=1)
    with time_machine.travel(START, tick=False):
        waiting = pledge_for(sponsor, approval)
        paying = pledge_for(other_sponsor, plain)
        Pledge.objects.filter(pk=paying.pk).update(status="awaiting_payment")
    assert waiting.status == "awaiting_approval"
    end_of_deadline = timezone.make_aware(
        datetime.datetime.combine(
            event.sponsorship_deadline + datetime.timedelta(days=1), datetime.time.min
        )
    )
    assert waiting.expires_at == end_of_deadline
    with time_machine.travel(end_of_deadline, tick=False):
        assert expire_overdue() == 2
    assert set(Pledge.objects.values_list("status", flat=True)) == {"expired"}


def test_paid_and_closed_pledges_never_expire(package, sponsor, other_sponsor):
    with time_machine.travel(START, tick=False):
        paid = pledge_for(sponsor, package)
        cancelled = pledge_for(other_sponsor, package)
    Pledge.objects.filter(pk=paid.pk).update(status="paid")
    Pledge.objects.filter(pk=cancelled.pk).update(status="cancelled")
    with time_machine.travel(START + datetime.timedelta(days=30), tick=False):
        assert expire_overdue() == 0
    assert Pledge.objects.get(pk=paid.pk).status == "paid"
    assert Pledge.objects.get(pk=cancelled.pk).status == "cancelled"


def test_beat_runs_the_expiry_task_every_minute(package, sponsor):
    entry = app.conf.beat_schedule["expire-overdue-pledge-holds"]
    assert entry["task"] == expire_overdue_holds.name
    assert entry["schedule"] == crontab()  # every minute
    with time_machine.travel(START, tick=False):
        pledge_for(sponsor, package, payment_method="card")
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        assert expire_overdue_holds.delay().get() == {"expired": 1, "offered": 0}
        assert expire_overdue_holds.delay().get() == {"expired": 0, "offered": 0}
