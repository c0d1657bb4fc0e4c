"""A person in several organisations acts for one at a time and switches between them."""

import pytest
from django.urls import reverse

from sponsors.membership import ACTIVE_ORGANISATION_SESSION_KEY, active_organisation
from sponsors.models import Membership
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant(client):
    user = make_user("consultant@example.com")
    first = make_organisation(admin=user, display_name="First Co")
    second = make_organisation(display_name="Second Co")
    Membership.objects.create(user=user, organisation=second)
    client.force_login(user)
    return user, first, second


def test_the_organisation_joined_first_is_active_by_default(client, consultant):
    user, first, _ = consultant
    assert active_organisation(user, client.session) == first
    assert "<h1>First Co</h1>" in client.get(reverse("sponsors:dashboard")).content.decode()


def test_switching_changes_what_the_portal_shows(client, consultant):
    user, _, second = consultant
    response = client.post(
        reverse("sponsors:switch_organisation"), {"organisation": str(second.public_id)}
    )
    assert response["Location"] == reverse("sponsors:dashboard")
    assert client.session[ACTIVE_ORGANISATION_SESSION_KEY] == str(second.public_id)
    assert "<h1>Second Co</h1>" in client.get(reverse("sponsors:dashboard")).content.decode()
    # In Second Co the consultant is a plain member: no editing there.
    assert client.get(reverse("sponsors:organisation_edit")).status_code == 403


def test_switching_to_an_organisation_one_does_not_belong_to_is_refused(client, consultant):
    user, first, _ = consultant
    stranger = make_organisation(display_name="Stranger Co")
    response = client.post(
        reverse("sponsors:switch_organisation"), {"organisation": str(stranger.public_id)}
    )
    assert response.status_code == 404
    assert active_organisation(user, client.session) == first


def test_switching_only_follows_a_local_next(client, consultant):
    _, _, second = consultant
    response = client.post(
        reverse("sponsors:switch_organisation"),
        {"organisation": str(second.public_id), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("sponsors:dashboard")
    response = client.post(
        reverse("sponsors:switch_organisation"),
        {"organisation": str(second.public_id), "next": "/account/pledges/"},
    )
    assert response["Location"] == "/account/pledges/"


def test_losing_the_membership_falls_back_to_another_organisation(client, consultant):
    user, first, second = consultant
    client.post(reverse("sponsors:switch_organisation"), {"organisation": str(second.public_id)})
    Membership.objects.filter(user=user, organisation=second).delete()
    assert active_organisation(user, client.session) == first


def test_the_organisations_page_lists_each_with_a_switch(client, consultant):
    html = client.get(reverse("sponsors:organisations")).content.decode()
    assert "First Co" in html and "Second Co" in html
    assert "Act for Second Co" in html
