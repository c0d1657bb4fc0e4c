"""The per-event scope beyond the matrix: organisers by group, exports, filter choices, the mail
on an organisation shared by two events, agreements' PDFs and the fulfilment overview."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser

from events import scope
from marketplace.agreements.models import Agreement
from tests.core.test_role_matrix import World


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.PAYMENTS_STAND_IN_ENABLED = False


@pytest.fixture
def world(tree):
    return World(tree)


def test_the_rule_in_one_place(world):
    olivia = world.users["organiser_own_event"]
    omar = world.users["organiser_other_event"]  # through the "Regional forum team" group
    assert list(scope.events_for(olivia)) == [world.event_a]
    assert list(scope.events_for(omar)) == [world.event_b]
    assert scope.can_act_on_event(omar, world.event_b)
    assert not scope.can_act_on_event(omar, world.event_a.pk)
    for sees_all in ("approver", "finance", "superuser"):
        assert scope.events_for(world.users[sees_all]).count() == 2, sees_all
    assert not scope.events_for(world.users["partnership_officer"]).exists()
    assert not scope.events_for(AnonymousUser()).exists()
    olivia.is_active = False
    assert not scope.can_act_on_event(olivia, world.event_a)


def test_a_group_organiser_sees_their_events_pledges(client, world):
    client.force_login(world.users["organiser_other_event"])
    html = client.get("/admin/pledges/").content.decode()
    assert world.pledge_b.reference in html and world.pledge_a.reference not in html
    assert client.get(f"/admin/pledges/inspect/{world.pledge_b.pk}/").status_code == 200


def test_the_csv_export_and_the_filters_hold_only_the_organisers_events(client, world):
    from tests.factories import make_sponsor, pledge_for

    pledge_for(make_sponsor(name="Elsewhere Corp"), world.package_b)
    client.force_login(world.users["organiser_own_event"])
    response = client.get("/admin/pledges/?export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["Reference"] for row in rows] == [world.pledge_a.reference]
    html = client.get("/admin/pledges/").content.decode()
    assert "Elsewhere Corp" not in html  # not even among the sponsor filter's choices
    assert "Regional Forum" not in html


def test_an_organisation_shared_by_two_events_shows_each_organiser_only_their_mail(client, world):
    client.force_login(world.users["organiser_other_event"])
    html = client.get(f"/admin/organisations/inspect/{world.sponsor[1].pk}/").content.decode()
    assert "Your Coffee break pledge" in html
    assert "Your Gold sponsor pledge" not in html
    client.force_login(world.users["approver"])
    html = client.get(f"/admin/organisations/inspect/{world.sponsor[1].pk}/").content.decode()
    assert "Your Coffee break pledge" in html and "Your Gold sponsor pledge" in html


def test_another_events_agreement_and_its_pdf_are_not_found(
    client, world, django_capture_on_commit_callbacks
):
    world.paid_a(django_capture_on_commit_callbacks)
    agreement = Agreement.objects.get(pledge=world.pledge_a)
    client.force_login(world.users["organiser_other_event"])
    assert agreement.number not in client.get("/admin/agreements/").content.decode()
    assert client.get(f"/admin/agreements/inspect/{agreement.pk}/").status_code == 404
    assert client.get(f"/admin/agreements/pdf/{agreement.pk}/sent/").status_code == 404
    client.force_login(world.users["organiser_own_event"])
    assert agreement.number in client.get("/admin/agreements/").content.decode()
    assert client.get(f"/admin/agreements/pdf/{agreement.pk}/sent/").status_code == 200


def test_the_fulfilment_overview_lists_only_the_organisers_events(
    client, world, django_capture_on_commit_callbacks
):
    from marketplace.fulfilment.services import create_tasks_for_pledge

    world.paid_a(django_capture_on_commit_callbacks)
    create_tasks_for_pledge(world.pledge_a.pk)
    client.force_login(world.users["organiser_other_event"])
    assert "Global Symposium" not in client.get("/admin/fulfilment/").content.decode()
    client.force_login(world.users["organiser_own_event"])
    assert "Global Symposium" in client.get("/admin/fulfilment/").content.decode()


def test_an_events_team_is_chosen_among_staff_never_sponsors(world):
    from django.contrib.auth import get_user_model

    from events.models import EventOrganiser

    limit = EventOrganiser._meta.get_field("user").get_limit_choices_to()
    choices = set(get_user_model().objects.complex_filter(limit))
    assert world.users["organiser_own_event"] in choices
    assert world.users["superuser"] in choices
    assert world.sponsor[0] not in choices
    assert len(choices) == get_user_model().objects.complex_filter(limit).count()  # no repeats
