"""The team page cannot be used to mail arbitrary addresses: an organisation sends at most 20
invitations in any 24 hours (resending counts) and keeps at most 50 waiting for an answer.
Over a limit the form says so and nothing is written or sent."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sponsors import invitations
from sponsors.models import Invitation
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    admin = make_user("admin@acme.example")
    return make_organisation(admin=admin, display_name="Acme"), admin


def test_sixty_invitations_in_a_minute_send_twenty_and_refuse_the_rest(
    client, team, django_capture_on_commit_callbacks
):
    organisation, admin = team
    client.force_login(admin)
    responses = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(60):
            responses.append(
                client.post(
                    reverse("sponsors:invite"), {"email": f"p{n}@spam.example", "role": "member"}
                )
            )

    assert [r.status_code for r in responses] == [302] * 20 + [400] * 40
    assert len(mail.outbox) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@spam.example" for n in range(20))
    assert Invitation.objects.filter(organisation=organisation).count() == 20
    refused = responses[20].content.decode()
    assert "Acme has sent 20 invitations in the last 24 hours, the most allowed." in refused
    assert "Nothing was sent" in refused

    # The team page and the empty form say so before anyone types an address.
    assert "the most allowed" in client.get(reverse("sponsors:team")).content.decode()
    assert 'id="invitation-limit"' in client.get(reverse("sponsors:invite")).content.decode()


def test_resending_counts_and_the_window_rolls(team):
    organisation, admin = team
    for _ in range(20):
        invitations.invite(organisation, admin, "same@acme.example")
    with pytest.raises(invitations.InvitationLimitReached, match="20 invitations"):
        invitations.invite(organisation, admin, "same@acme.example")
    assert Invitation.objects.count() == 20
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, minutes=1)):
        invitations.invite(organisation, admin, "same@acme.example")
    assert Invitation.objects.count() == 21


def test_at_most_fifty_invitations_wait_for_an_answer(team):
    organisation, admin = team
    start = timezone.now()
    for day, count in ((0, 20), (1, 20), (2, 10)):
        with time_machine.travel(start + datetime.timedelta(hours=25 * day)):
            for n in range(count):
                invitations.invite(organisation, admin, f"d{day}-{n}@acme.example")
    with time_machine.travel(start + datetime.timedelta(hours=75)):
        with pytest.raises(invitations.InvitationLimitReached, match="50 invitations waiting"):
            invitations.invite(organisation, admin, "one-more@acme.example")
        # Inviting one of the fifty again replaces it, so it is allowed.
        invitations.invite(organisation, admin, "d2-0@acme.example")
        # Withdrawing one makes room.
        invitations.revoke(Invitation.objects.filter(email="d0-0@acme.example").get(), admin)
        invitations.invite(organisation, admin, "one-more@acme.example")
    assert Invitation.objects.filter(email="one-more@acme.example").count() == 1


def test_limits_are_per_organisation(team):
    organisation, admin = team
    for n in range(20):
        invitations.invite(organisation, admin, f"a{n}@acme.example")
    other_admin = make_user()
    other = make_organisation(admin=other_admin)
    invitations.invite(other, other_admin, "b@borealis.example")
    assert Invitation.objects.filter(organisation=other).count() == 1
