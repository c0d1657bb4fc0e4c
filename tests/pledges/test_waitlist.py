"""The waiting list: join only when not enough is left, first in line gets freed slots held
for 48 hours with an email, offers expire and pass to the next in line."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import Pledge, WaitlistEntry
from marketplace.pledges.services import cancel, expire_overdue
from marketplace.pledges.waitlist import (
    accept_offer,
    join_waitlist,
    leave_waitlist,
    offer_all_waiting,
)
from tests.factories import make_package, make_sponsor, pledge_for

START = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


def join(user_org, package, quantity=1):
    user, organisation = user_org
    return join_waitlist(
        user=user,
        organisation=organisation,
        package_id=package.pk,
        quantity=quantity,
        payment_method="bank_transfer",
        accept_terms=True,
    )


@pytest.fixture
def sold_out(package, sponsor, other_sponsor):
    """The package's 3 slots: 2 held by Acme, 1 by Borealis."""
    return pledge_for(sponsor, package, quantity=2), pledge_for(other_sponsor, package, quantity=1)


def test_cannot_join_while_enough_is_left(package, sponsor):
    with pytest.raises(PledgeError, match="enough left"):
        join(sponsor, package)
    assert WaitlistEntry.objects.count() == 0


def test_join_once_per_package(package, sold_out):
    waiting = make_sponsor()
    entry = join(waiting, package)
    assert (entry.status, entry.position) == ("waiting", 1)
    with pytest.raises(PledgeError, match="already on the waiting list"):
        join(make_sponsor(organisation=waiting[1]), package)
    assert WaitlistEntry.objects.count() == 1


def test_freed_slot_goes_to_the_first_in_line_for_48_hours(
    package, sold_out, on_commit, mailoutbox
):
    first, second = make_sponsor(), make_sponsor()
    with time_machine.travel(START, tick=False):
        first_entry = join(first, package)
    with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):
        second_entry = join(second, package)
    assert second_entry.position == 2
    mailoutbox.clear()

    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        with on_commit():
            cancel(sold_out[1], actor=None, by_sponsor=True)  # Borealis frees 1 slot

    first_entry.refresh_from_db()
    second_entry.refresh_from_db()
    assert (first_entry.status, second_entry.status) == ("offered", "waiting")
    offer = first_entry.offer
    assert (offer.organisation, offer.status, offer.quantity) == (first[1], "held", 1)
    assert offer.expires_at == START + datetime.timedelta(hours=49)
    assert second_entry.position == 1
    offer_mail = [m for m in mailoutbox if m.to == [first[0].email]]
    assert len(offer_mail) == 1 and "A place for you" in offer_mail[0].subject
    # Nothing oversold: 2 + 1 held of 3.
    assert Pledge.objects.filter(status="held").count() == 2


def test_first_in_line_wanting_more_than_is_free_keeps_everyone_waiting(package, sold_out):
    first = join(make_sponsor(), package, quantity=2)
    second = join(make_sponsor(), package, quantity=1)
    cancel(sold_out[1], actor=None)  # 1 slot free, the first wants 2
    assert offer_all_waiting() == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("waiting", "waiting")


def test_unanswered_offer_expires_and_passes_to_the_next_in_line(package, sold_out, on_commit):
    first, second = make_sponsor(), make_sponsor()
    with time_machine.travel(START, tick=False):
        first_entry = join(first, package)
        second_entry = join(second, package)
        with on_commit():
            cancel(sold_out[1], actor=None)
    first_entry.refresh_from_db()
    assert first_entry.status == "offered"

    with time_machine.travel(START + datetime.timedelta(hours=48, minutes=1), tick=False):
        with on_commit():
            assert expire_overdue() == 1

    first_entry.refresh_from_db()
    second_entry.refresh_from_db()
    assert first_entry.status == "expired"
    assert first_entry.offer.status == "expired"
    assert second_entry.status == "offered"
    assert second_entry.offer.organisation == second[1]


def test_accepting_an_offer_moves_the_pledge_on(package, sold_out):
    entry = join(make_sponsor(), package)
    cancel(sold_out[1], actor=None)
    offer_all_waiting()
    entry.refresh_from_db()
    pledge = accept_offer(entry.offer, actor=entry.created_by)
    entry.refresh_from_db()
    assert (pledge.status, entry.status) == ("awaiting_payment", "accepted")
    with pytest.raises(PledgeError, match="no open offer"):
        accept_offer(pledge, actor=entry.created_by)


def test_accepting_an_offer_of_an_approval_package_waits_for_approval(event, sponsor):
    dinner = make_package(event, title="Dinner", capacity=1, requires_approval=True)
    holder = pledge_for(sponsor, dinner)
    entry = join(make_sponsor(), dinner)
    cancel(holder, actor=None)
    offer_all_waiting()
    entry.refresh_from_db()
    assert accept_offer(entry.offer, actor=entry.created_by).status == "awaiting_approval"


def test_leaving_the_waiting_list_and_declining_an_offer(package, sold_out):
    leaving = join(make_sponsor(), package)
    staying = join(make_sponsor(), package)
    leave_waitlist(leaving, actor=leaving.created_by)
    assert leaving.status == "cancelled"

    cancel(sold_out[1], actor=None)
    assert offer_all_waiting() == 1
    staying.refresh_from_db()
    assert staying.status == "offered"  # the one who left was skipped

    leave_waitlist(staying, actor=staying.created_by)  # declining the open offer frees it
    assert (staying.status, staying.offer.status) == ("cancelled", "cancelled")
    with pytest.raises(PledgeError, match="no longer waiting"):
        leave_waitlist(leaving, actor=leaving.created_by)


def test_waiting_entries_expire_once_pledging_closes(package, sold_out, event):
    entry = join(make_sponsor(), package)
    cancel(sold_out[1], actor=None)
    after = datetime.datetime.combine(
        event.sponsorship_deadline + datetime.timedelta(days=1), datetime.time(9)
    )
    with time_machine.travel(timezone.make_aware(after), tick=False):
        assert offer_all_waiting() == 0
    entry.refresh_from_db()
    assert entry.status == "expired"
