"""Payment-due and hold-ending reminders: the windows at their edges, and no "hold ends soon"
seconds after the sponsor clicked "Pay by card" (a 30-minute card hold is reminded 10 minutes
before its end, whatever its state)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from marketplace.payments.checkout import start_card_payment
from marketplace.pledges.models import Pledge
from marketplace.pledges.reminders import (
    CARD_HOLD_EXPIRING_BEFORE,
    HOLD_EXPIRING,
    HOLD_EXPIRING_BEFORE,
    PAYMENT_DUE,
    PAYMENT_DUE_BEFORE,
    send_payment_reminders,
)
from marketplace.pledges.states import PledgeState
from tests.factories import pledge_for

SECOND = datetime.timedelta(seconds=1)


def sent(mailoutbox, words):
    return [mail for mail in mailoutbox if words in mail.subject]


@pytest.fixture
def stand_in(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_STAND_IN_ENABLED = True
    settings.SITE_URL = "http://testserver"


def test_pay_by_card_with_29_minutes_left_sends_no_hold_reminder(
    sponsor, package, stand_in, on_commit, mailoutbox
):
    pledge = pledge_for(sponsor, package, payment_method="card")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)), on_commit():
        start_card_payment(pledge, user=sponsor[0])
        pledge.refresh_from_db()
        assert pledge.status == PledgeState.AWAITING_PAYMENT
        assert send_payment_reminders() == {PAYMENT_DUE: 0, HOLD_EXPIRING: 0}
    assert sent(mailoutbox, "the hold ends soon") == []


@pytest.mark.parametrize("state", [PledgeState.HELD, PledgeState.AWAITING_PAYMENT])
def test_a_card_hold_is_reminded_from_ten_minutes_before_its_end_not_a_second_earlier(
    sponsor, package, on_commit, mailoutbox, state
):
    pledge = pledge_for(sponsor, package, payment_method="card")
    Pledge.objects.filter(pk=pledge.pk).update(status=state)
    end = pledge.expires_at
    with time_machine.travel(end - CARD_HOLD_EXPIRING_BEFORE - SECOND, tick=False), on_commit():
        assert send_payment_reminders()[HOLD_EXPIRING] == 0
    with time_machine.travel(end - CARD_HOLD_EXPIRING_BEFORE, tick=False), on_commit():
        assert send_payment_reminders()[HOLD_EXPIRING] == 1
        assert send_payment_reminders()[HOLD_EXPIRING] == 0  # the next minute's run
    [mail] = sent(mailoutbox, "the hold ends soon")
    assert pledge.reference in mail.subject
    assert mail.to == [sponsor[0].email]


def test_a_hold_that_has_ended_is_not_reminded(sponsor, package, on_commit, mailoutbox):
    pledge = pledge_for(sponsor, package, payment_method="card")
    with time_machine.travel(pledge.expires_at, tick=False), on_commit():
        assert send_payment_reminders()[HOLD_EXPIRING] == 0
    assert mailoutbox == []


def test_a_bank_transfer_hold_is_reminded_from_24_hours_before_its_end(
    sponsor, package, on_commit, mailoutbox
):
    pledge = pledge_for(sponsor, package)  # bank transfer: 14 days
    end = pledge.expires_at
    with time_machine.travel(end - HOLD_EXPIRING_BEFORE - SECOND, tick=False), on_commit():
        assert send_payment_reminders()[HOLD_EXPIRING] == 0
    with time_machine.travel(end - HOLD_EXPIRING_BEFORE, tick=False), on_commit():
        assert send_payment_reminders()[HOLD_EXPIRING] == 1
    assert len(sent(mailoutbox, "the hold ends soon")) == 1


def test_an_approved_card_pledge_has_days_to_pay_and_the_24_hour_window(
    sponsor, package, on_commit, mailoutbox
):
    pledge = pledge_for(sponsor, package, payment_method="card")
    later = pledge.created_at + datetime.timedelta(days=5)
    Pledge.objects.filter(pk=pledge.pk).update(
        status=PledgeState.AWAITING_PAYMENT, expires_at=later
    )
    with time_machine.travel(later - HOLD_EXPIRING_BEFORE + SECOND, tick=False), on_commit():
        assert send_payment_reminders()[HOLD_EXPIRING] == 1


def test_payment_due_window_runs_from_three_days_to_24_hours_before(
    sponsor, package, on_commit, mailoutbox
):
    pledge = pledge_for(sponsor, package)
    Pledge.objects.filter(pk=pledge.pk).update(status=PledgeState.AWAITING_PAYMENT)
    end = pledge.expires_at
    with time_machine.travel(end - PAYMENT_DUE_BEFORE - SECOND, tick=False), on_commit():
        assert send_payment_reminders()[PAYMENT_DUE] == 0
    with time_machine.travel(end - PAYMENT_DUE_BEFORE, tick=False), on_commit():
        assert send_payment_reminders()[PAYMENT_DUE] == 1
    with time_machine.travel(end - HOLD_EXPIRING_BEFORE, tick=False), on_commit():
        # the last day belongs to the hold reminder: not a second payment-due mail
        assert send_payment_reminders() == {PAYMENT_DUE: 0, HOLD_EXPIRING: 1}
    assert len(sent(mailoutbox, "payment due by")) == 1
