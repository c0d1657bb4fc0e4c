"""A payment that arrives after the hold expired takes the slots again only if they are free."""

import datetime

import time_machine

from events.availability import taken_quantities
from marketplace.finance.models import Receipt
from marketplace.payments.checkout import start_card_payment
from marketplace.payments.models import Flag
from marketplace.pledges.models import Pledge
from marketplace.pledges.services import expire_overdue
from tests.factories import pledge_for
from tests.payments.stripe_fake import completed_session, event, post_webhook


def _expire(pledge):
    with time_machine.travel(pledge.expires_at + datetime.timedelta(minutes=1)):
        assert expire_overdue() == 1
    assert Pledge.objects.get(pk=pledge.pk).status == "expired"


def test_late_payment_retakes_free_slots_and_pays(client, dinner, sponsor, fake_stripe):
    pledge = pledge_for(sponsor, dinner, payment_method="card")
    payment = start_card_payment(pledge, user=sponsor[0])
    _expire(pledge)
    assert taken_quantities([dinner.pk]) == {}

    response = post_webhook(client, event("checkout.session.completed", completed_session(payment)))

    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == "paid"
    assert pledge.history.order_by("pk").last().from_state == "expired"
    assert Receipt.objects.filter(pledge=pledge).count() == 1
    assert taken_quantities([dinner.pk]) == {dinner.pk: 1}
    assert not Flag.objects.exists()


def test_late_payment_when_the_slots_are_gone_is_flagged_and_never_oversells(
    client, dinner, sponsor, other_sponsor, fake_stripe
):
    pledge = pledge_for(sponsor, dinner, payment_method="card")
    payment = start_card_payment(pledge, user=sponsor[0])
    _expire(pledge)
    rival = pledge_for(other_sponsor, dinner, payment_method="bank_transfer")  # takes the slot

    response = post_webhook(client, event("checkout.session.completed", completed_session(payment)))

    assert response.status_code == 200
    pledge.refresh_from_db()
    payment.refresh_from_db()
    assert pledge.status == "expired"
    assert payment.status == "succeeded"  # the money did arrive: finance decides on a refund
    assert not Receipt.objects.exists()
    flag = Flag.objects.get()
    assert (flag.kind, flag.payment) == ("late_no_slots", payment)
    assert Pledge.objects.get(pk=rival.pk).status == "held"
    assert taken_quantities([dinner.pk]) == {dinner.pk: 1}  # capacity 1, never 2
