"""Packages that require approval: an organiser approves only a cleared organisation's pledge;
reject needs a reason, which is emailed; holds can be extended within the deadline."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import Pledge
from marketplace.pledges.services import approve, cancel, extend_hold, reject
from marketplace.pledges.states import InvalidTransition
from sponsors.models import Clearance
from tests.factories import make_package, pledge_for


@pytest.fixture
def dinner(event):
    return make_package(event, title="Networking dinner", capacity=1, requires_approval=True)


def test_uncleared_organisation_cannot_be_approved(dinner, sponsor, admin_user):
    pledge = pledge_for(sponsor, dinner)
    with pytest.raises(PledgeError, match="not been cleared"):
        approve(pledge, actor=admin_user)
    pledge.refresh_from_db()
    assert pledge.status == "awaiting_approval"
    assert pledge.history.count() == 2


def test_cleared_organisation_is_approved_and_emailed(
    dinner, sponsor, admin_user, event, on_commit, mailoutbox
):
    user, organisation = sponsor
    organisation.clearance = Clearance.CLEARED
    organisation.save()
    pledge = pledge_for(sponsor, dinner)
    mailoutbox.clear()
    now = timezone.now()
    with time_machine.travel(now, tick=False), on_commit():
        approve(pledge, actor=admin_user, reason="Welcome aboard")
    pledge.refresh_from_db()
    assert pledge.status == "awaiting_payment"
    assert pledge.expires_at == now + datetime.timedelta(days=event.bank_transfer_hold_days)
    last = pledge.history.last()
    assert (last.actor, last.from_state, last.to_state, last.reason) == (
        admin_user,
        "awaiting_approval",
        "awaiting_payment",
        "Welcome aboard",
    )
    assert [m.subject for m in mailoutbox] == [f"[Sponsorship] Pledge {pledge.reference} approved"]


def test_only_a_pledge_awaiting_approval_can_be_approved(package, sponsor, admin_user):
    sponsor[1].clearance = Clearance.CLEARED
    sponsor[1].save()
    pledge = pledge_for(sponsor, package)  # no approval needed: held
    with pytest.raises(PledgeError, match="awaiting approval"):
        approve(pledge, actor=admin_user)
    assert Pledge.objects.get(pk=pledge.pk).status == "held"


def test_reject_needs_a_reason_which_is_emailed(dinner, sponsor, admin_user, on_commit, mailoutbox):
    pledge = pledge_for(sponsor, dinner)
    with pytest.raises(PledgeError, match="reason") as error:
        reject(pledge, actor=admin_user, reason="  ")
    assert error.value.field == "reason"
    assert Pledge.objects.get(pk=pledge.pk).status == "awaiting_approval"
    mailoutbox.clear()
    with on_commit():
        reject(pledge, actor=admin_user, reason="Excluded activity: tobacco")
    pledge.refresh_from_db()
    assert pledge.status == "rejected"
    assert pledge.history.last().reason == "Excluded activity: tobacco"
    assert len(mailoutbox) == 1
    assert "Excluded activity: tobacco" in mailoutbox[0].body
    assert "Excluded activity: tobacco" in mailoutbox[0].alternatives[0][0]
    with pytest.raises(InvalidTransition):
        reject(pledge, actor=admin_user, reason="again")


def test_extend_hold_within_the_deadline(
    package, sponsor, admin_user, event, on_commit, mailoutbox
):
    pledge = pledge_for(sponsor, package, payment_method="card")
    until = timezone.now() + datetime.timedelta(days=2)
    mailoutbox.clear()
    with on_commit():
        extend_hold(pledge, actor=admin_user, until=until, reason="Board meets Tuesday")
    pledge.refresh_from_db()
    assert pledge.expires_at == until
    assert "Board meets Tuesday" in pledge.history.last().reason
    assert len(mailoutbox) == 1

    too_late = timezone.make_aware(
        datetime.datetime.combine(event.sponsorship_deadline, datetime.time(23, 59))
    ) + datetime.timedelta(minutes=2)
    with pytest.raises(PledgeError, match="past the sponsorship deadline"):
        extend_hold(pledge, actor=admin_user, until=too_late)
    with pytest.raises(PledgeError, match="future"):
        extend_hold(pledge, actor=admin_user, until=timezone.now() - datetime.timedelta(hours=1))
    pledge.refresh_from_db()
    assert pledge.expires_at == until


def test_paid_pledge_cannot_be_cancelled_or_extended(package, sponsor, admin_user):
    pledge = pledge_for(sponsor, package)
    Pledge.objects.filter(pk=pledge.pk).update(status="paid")
    with pytest.raises(PledgeError, match="not paid yet"):
        cancel(pledge, actor=admin_user)
    with pytest.raises(PledgeError, match="not paid yet"):
        extend_hold(pledge, actor=admin_user, until=timezone.now() + datetime.timedelta(days=1))
    assert Pledge.objects.get(pk=pledge.pk).status == "paid"
