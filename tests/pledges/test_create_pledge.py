"""Making a pledge through the service: the snapshot, the hold, and every refusal."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from events.choices import BenefitKind
from marketplace.pledges.errors import NotEnoughLeft, OnboardingIncomplete, PledgeError
from marketplace.pledges.models import Pledge
from marketplace.pledges.rules import publish_terms
from marketplace.pledges.services import create_pledge
from sponsors.models import Clearance
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for


def attempt(user_org, package_id, **overrides):
    user, organisation = user_org
    fields = {
        "quantity": 1,
        "payment_method": "bank_transfer",
        "accept_terms": True,
    }
    fields.update(overrides)
    return create_pledge(user=user, organisation=organisation, package_id=package_id, **fields)


def test_pledge_snapshots_the_package_and_holds_its_slots(
    package, sponsor, event, on_commit, mailoutbox
):
    with on_commit():
        pledge = attempt(sponsor, package.pk, quantity=2)

    assert re.fullmatch(rf"SP-{timezone.now().year}-\d{{6}}", pledge.reference)
    assert pledge.status == "held"
    assert (pledge.quantity, pledge.unit_price, pledge.total, pledge.currency) == (
        2,
        Decimal("5000.00"),
        Decimal("10000.00"),
        "CHF",
    )
    assert pledge.package_title == "Fellowships" and pledge.package_category == "fellowship"
    assert pledge.benefits == [
        {
            "kind": BenefitKind.LOGO_WEBSITE,
            "quantity": 1,
            "description": "",
            "days_before_event": 14,
            "due_date": (event.start_date - datetime.timedelta(days=14)).isoformat(),
        }
    ]
    assert pledge.accepted_terms.version == 1
    assert [(e.from_state, e.to_state) for e in pledge.history.all()] == [("", "held")]
    # The package page and API now count the hold.
    from events.availability import availability_for

    assert availability_for([package])[package.pk].available == 1
    # The sponsor's team hears about it.
    assert len(mailoutbox) == 1
    assert pledge.reference in mailoutbox[0].subject
    assert mailoutbox[0].to == [sponsor[0].email]
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_later_edits_of_the_package_do_not_change_the_pledge(package, sponsor):
    pledge = attempt(sponsor, package.pk)
    package.price = Decimal("9999.00")
    package.title = "Renamed"
    package.save_revision().publish()
    pledge.refresh_from_db()
    assert pledge.unit_price == Decimal("5000.00") and pledge.package_title == "Fellowships"


def test_card_holds_for_the_events_card_minutes_and_bank_transfer_for_its_days(
    package, sponsor, event
):
    event.card_hold_minutes = 45
    event.bank_transfer_hold_days = 3
    event.save()
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        card = attempt(sponsor, package.pk, payment_method="card")
        bank = attempt(sponsor, package.pk, payment_method="bank_transfer")
    assert card.expires_at == now + datetime.timedelta(minutes=45)
    assert bank.expires_at == now + datetime.timedelta(days=3)


def test_hold_never_runs_past_the_sponsorship_deadline_day(tree, sponsor):
    today = timezone.localdate()
    event = make_event(
        tree[1],
        start_date=today + datetime.timedelta(days=5),
        sponsorship_deadline=today + datetime.timedelta(days=2),
    )
    make_terms(event)
    package = make_package(event)
    pledge = attempt(sponsor, package.pk)  # 14 days would pass the deadline
    end_of_deadline = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=3), datetime.time.min)
    )
    assert pledge.expires_at == end_of_deadline


def test_requires_approval_package_goes_to_awaiting_approval(event, sponsor, on_commit, mailoutbox):
    package = make_package(event, title="Platinum", capacity=1, requires_approval=True)
    with on_commit():
        pledge = attempt(sponsor, package.pk)
    assert pledge.status == "awaiting_approval"
    assert [(e.from_state, e.to_state) for e in pledge.history.all()] == [
        ("", "held"),
        ("held", "awaiting_approval"),
    ]
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([sponsor[0].email, event.organiser_email])


def test_accepts_the_current_terms_version(package, sponsor, event):
    publish_terms(event, "Version two")
    pledge = attempt(sponsor, package.pk)
    assert (pledge.accepted_terms.version, pledge.accepted_terms.text) == (2, "Version two")


# --- Refusals: each has a clear message, names its field, and writes nothing ---------------


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"quantity": 0}, "quantity", "at least 1"),
        ({"quantity": -2}, "quantity", "at least 1"),
        ({"quantity": "2"}, "quantity", "whole number"),
        ({"quantity": 3}, "quantity", "at most 2"),
        ({"payment_method": "cash"}, "payment_method", "card or bank transfer"),
        ({"accept_terms": False}, "accept_terms", "accept the event's terms"),
        ({"terms_version": 7}, "accept_terms", "terms changed"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(package, sponsor, overrides, field, words):
    with pytest.raises(PledgeError) as error:
        attempt(sponsor, package.pk, **overrides)
    assert error.value.field == field
    assert words in error.value.message
    assert Pledge.objects.count() == 0


def test_unknown_package_is_refused(package, sponsor):
    with pytest.raises(PledgeError) as error:
        attempt(sponsor, 999_999)
    assert (error.value.field, "no published package" in error.value.message) == ("package", True)
    assert Pledge.objects.count() == 0


def test_unpublished_package_or_event_is_refused(event, sponsor):
    draft = make_package(event, title="Draft", live=False)
    with pytest.raises(PledgeError, match="no published package"):
        attempt(sponsor, draft.pk)
    published = make_package(event, title="Published")
    event.unpublish()
    with pytest.raises(PledgeError, match="no published package"):
        attempt(sponsor, published.pk)
    assert Pledge.objects.count() == 0


def test_pledge_after_the_deadline_is_refused(package, sponsor, event):
    after = datetime.datetime.combine(
        event.sponsorship_deadline + datetime.timedelta(days=1), datetime.time(9)
    )
    with time_machine.travel(timezone.make_aware(after)):
        with pytest.raises(PledgeError, match="closed on"):
            attempt(sponsor, package.pk)
    assert Pledge.objects.count() == 0


def test_event_without_terms_cannot_be_pledged(tree, sponsor):
    package = make_package(make_event(tree[1]))
    with pytest.raises(PledgeError, match="not published the terms"):
        attempt(sponsor, package.pk)


def test_maximum_per_sponsor_counts_what_the_organisation_already_holds(package, sponsor):
    attempt(sponsor, package.pk, quantity=1)
    colleague = make_sponsor(organisation=sponsor[1])
    with pytest.raises(PledgeError, match="already holds 1") as error:
        attempt(colleague, package.pk, quantity=2)
    assert error.value.field == "quantity"
    assert Pledge.objects.count() == 1


def test_not_enough_left_and_sold_out(package, sponsor, other_sponsor):
    attempt(sponsor, package.pk, quantity=2)
    with pytest.raises(NotEnoughLeft, match="only 1 of this package remain"):
        attempt(other_sponsor, package.pk, quantity=2)
    attempt(other_sponsor, package.pk, quantity=1)
    third = make_sponsor()
    with pytest.raises(NotEnoughLeft, match="Sold out") as error:
        attempt(third, package.pk, quantity=1)
    assert error.value.available == 0
    assert Pledge.objects.count() == 2


def test_freed_slots_can_be_pledged_again(package, sponsor, other_sponsor):
    first = attempt(sponsor, package.pk, quantity=2)
    attempt(other_sponsor, package.pk, quantity=1)
    Pledge.objects.filter(pk=first.pk).update(status="expired")
    assert attempt(make_sponsor(), package.pk, quantity=2).status == "held"


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ({"verified": False}, "Verify your email"),
        ({"declared": False}, "Declare that your organisation"),
        ({"clearance": Clearance.DECLINED}, "declined in due diligence"),
    ],
)
def test_account_that_has_not_finished_onboarding_is_told_what_is_missing(package, setup, words):
    user_org = make_sponsor(**setup)
    with pytest.raises(OnboardingIncomplete) as error:
        attempt(user_org, package.pk)
    assert any(words in item for item in error.value.missing)
    assert words in error.value.message
    assert Pledge.objects.count() == 0


def test_user_without_organisation_is_told_to_create_one(package, sponsor):
    user, _organisation = sponsor
    with pytest.raises(OnboardingIncomplete, match="Create or join"):
        create_pledge(
            user=user,
            organisation=None,
            package_id=package.pk,
            quantity=1,
            payment_method="card",
            accept_terms=True,
        )


def test_references_are_unique_and_not_sequential(package, event, sponsor):
    big = make_package(event, title="Wi-Fi", capacity=None, max_per_sponsor=50)
    references = [pledge_for(sponsor, big).reference for _ in range(20)]
    assert len(set(references)) == 20
    numbers = [int(reference.rsplit("-", 1)[1]) for reference in references]
    assert numbers != sorted(numbers)
