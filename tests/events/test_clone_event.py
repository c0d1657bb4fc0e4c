"""Cloning GSR-26's catalogue into GSR-27: the event and its packages with benefits become
drafts with dates shifted; the terms, agreement policy and package clauses come along; a taken
acronym is refused and nothing is created."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from events.choices import BenefitKind
from events.models import EventPage, SponsorshipPackagePage
from marketplace.agreements.models import AgreementPolicy, PackageClause
from marketplace.pledges.rules import current_terms
from tests.factories import make_package, make_terms


def test_clone_event_copies_the_catalogue_as_drafts_with_dates_shifted(event, tree):
    make_terms(event, text="GSR terms: pay within the hold.")
    gold = make_package(event, title="Gold partner", price="50000.00",
                        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30)])  # fmt: skip
    AgreementPolicy.objects.create(event=event, unsigned_reminder_days=3)
    PackageClause.objects.create(package=gold, title="Exclusivity", body="Only one gold.")
    new_start = event.start_date + datetime.timedelta(days=364)

    call_command("clone_event", event.acronym, "GSR-27", "--start", new_start.isoformat())

    copy = EventPage.objects.get(acronym="GSR-27")
    assert not copy.live and copy.slug == "gsr-27"
    assert copy.start_date == new_start
    assert copy.end_date - copy.start_date == event.end_date - event.start_date
    assert copy.start_date - copy.sponsorship_deadline == (
        event.start_date - event.sponsorship_deadline
    )
    assert "GSR-27" in copy.title or copy.title == event.title
    packages = SponsorshipPackagePage.objects.child_of(copy)
    new_gold = packages.get(title="Gold partner")
    assert not new_gold.live and new_gold.price == gold.price
    assert [(b.kind, b.days_before_event) for b in new_gold.benefits.all()] == [
        (BenefitKind.LOGO_WEBSITE, 30)
    ]
    # the draft the editor opens has the new dates too
    assert copy.get_latest_revision_as_object().start_date == new_start
    assert current_terms(copy).text == "GSR terms: pay within the hold."
    assert current_terms(copy).version == 1
    assert AgreementPolicy.objects.get(event=copy).unsigned_reminder_days == 3
    assert PackageClause.objects.get(package=new_gold).title == "Exclusivity"
    # the source is untouched
    assert event.get_children().count() == 1 and PackageClause.objects.count() == 2


def test_a_taken_acronym_is_refused_and_nothing_is_created(event):
    before = EventPage.objects.count()
    with pytest.raises(CommandError, match="exists already"):
        call_command("clone_event", event.acronym, event.acronym, "--start", "2027-06-01")
    with pytest.raises(CommandError, match="not a date"):
        call_command("clone_event", event.acronym, "GSR-27", "--start", "June")
    assert EventPage.objects.count() == before


@pytest.fixture
def organiser(tree, event, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from events.editorial import ORGANISERS, ensure_editorial_setup, ensure_scope_permissions
    from events.models import EventOrganiser

    ensure_editorial_setup(tree[1])
    ensure_scope_permissions()
    user = get_user_model().objects.create_user("olivia@example.org", "olivia@example.org", "pw")
    user.groups.add(Group.objects.get(name=ORGANISERS))
    EventOrganiser.objects.create(event=event, user=user)
    client.force_login(user)
    return user


def test_an_organiser_clones_her_event_from_the_admin(client, organiser, event, tree):
    make_terms(event)
    make_package(event, title="Gold partner", price="50000.00")
    explorer = client.get(f"/admin/pages/{event.pk}/").content.decode()
    assert f"/admin/events/clone/{event.pk}/" in explorer  # "Clone the catalogue" in the header

    form = client.get(f"/admin/events/clone/{event.pk}/").content.decode()
    assert 'value="GSR-27"' in form  # the next acronym is suggested
    start = event.start_date + datetime.timedelta(weeks=52)
    assert f'value="{start.isoformat()}"' in form

    taken = client.post(
        f"/admin/events/clone/{event.pk}/", {"acronym": event.acronym, "start_date": start}
    )
    assert taken.status_code == 200 and "exists already" in taken.content.decode()
    assert not EventPage.objects.filter(acronym="GSR-27").exists()

    response = client.post(
        f"/admin/events/clone/{event.pk}/", {"acronym": "GSR-27", "start_date": start}
    )
    copy = EventPage.objects.get(acronym="GSR-27")
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{copy.pk}/"
    assert not copy.live and copy.start_date == start
    assert copy.organisers.filter(user=organiser).exists()  # she works on the copy too
    assert SponsorshipPackagePage.objects.child_of(copy).get().title == "Gold partner"


def test_an_organiser_cannot_clone_another_event(client, organiser, tree):
    from tests.factories import make_event

    other = make_event(tree[1], title="Regional Forum", acronym="RF-26")
    assert client.get(f"/admin/events/clone/{other.pk}/").status_code == 404
    response = client.post(
        f"/admin/events/clone/{other.pk}/", {"acronym": "RF-27", "start_date": "2027-06-01"}
    )
    assert response.status_code == 404 and not EventPage.objects.filter(acronym="RF-27").exists()
