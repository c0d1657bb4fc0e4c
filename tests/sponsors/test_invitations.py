"""Team invitations by email: sent by admins only, accepted once by the invited address,
expiring, revocable; and the team always keeps an administrator."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sponsors import invitations
from sponsors.models import Invitation, MemberRole, Membership
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(client):
    admin = make_user("admin@acme.example")
    member = make_user("member@acme.example")
    organisation = make_organisation(admin=admin, members=[member])
    return organisation, admin, member


def invite_through_the_portal(client, admin, email, role="member"):
    client.force_login(admin)
    return client.post(reverse("sponsors:invite"), {"email": email, "role": role})


def token_from(message) -> str:
    return re.search(r"/account/invitations/([\w-]+)/", message.body).group(1)


def test_an_admin_invites_by_email_and_the_invitee_joins_with_the_link(
    client, team, django_capture_on_commit_callbacks
):
    organisation, admin, _ = team
    with django_capture_on_commit_callbacks(execute=True):
        response = invite_through_the_portal(client, admin, "new@acme.example", role="admin")
    assert response["Location"] == reverse("sponsors:team")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@acme.example"]
    assert organisation.display_name in mail.outbox[0].subject
    token = token_from(mail.outbox[0])

    invitee = make_user("New@Acme.example")
    client.force_login(invitee)
    url = reverse("sponsors:accept_invitation", args=[token])
    assert "Accept the invitation" in client.get(url).content.decode()
    response = client.post(url)

    assert response["Location"] == reverse("sponsors:dashboard")
    membership = Membership.objects.get(user=invitee)
    assert (membership.organisation, membership.role) == (organisation, MemberRole.ADMIN)
    dashboard = client.get(reverse("sponsors:dashboard")).content.decode()
    assert organisation.display_name in dashboard
    # The link works once.
    with pytest.raises(invitations.TeamError, match="already been accepted"):
        invitations.accept(token, invitee)


def test_someone_signed_in_with_another_address_cannot_accept(client, team):
    organisation, admin, _ = team
    invitation = invitations.invite(organisation, admin, "invitee@acme.example")
    intruder = make_user("intruder@evil.example")
    client.force_login(intruder)
    response = client.post(reverse("sponsors:accept_invitation", args=[invitation.token]))
    assert response.status_code == 400
    assert "sent to invitee@acme.example" in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()


def test_an_unverified_matching_address_cannot_accept(team):
    organisation, admin, _ = team
    invitation = invitations.invite(organisation, admin, "invitee@acme.example")
    unverified = make_user("invitee@acme.example", verified=False)
    with pytest.raises(invitations.TeamError, match="verified"):
        invitations.accept(invitation.token, unverified)


def test_an_expired_invitation_cannot_be_accepted(team):
    organisation, admin, _ = team
    invitation = invitations.invite(organisation, admin, "late@acme.example")
    late = make_user("late@acme.example")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        with pytest.raises(invitations.TeamError, match="expired"):
            invitations.accept(invitation.token, late)
    assert not Membership.objects.filter(user=late).exists()


def test_a_revoked_invitation_cannot_be_accepted(client, team):
    organisation, admin, _ = team
    invitation = invitations.invite(organisation, admin, "maybe@acme.example")
    client.force_login(admin)
    client.post(reverse("sponsors:revoke_invitation", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    maybe = make_user("maybe@acme.example")
    with pytest.raises(invitations.TeamError, match="withdrawn"):
        invitations.accept(invitation.token, maybe)


def test_inviting_again_replaces_the_old_link(team):
    organisation, admin, _ = team
    first = invitations.invite(organisation, admin, "again@acme.example")
    second = invitations.invite(organisation, admin, "AGAIN@acme.example")
    first.refresh_from_db()
    assert first.revoked_at is not None and second.token != first.token
    person = make_user("again@acme.example")
    with pytest.raises(invitations.TeamError):
        invitations.accept(first.token, person)
    invitations.accept(second.token, person)


def test_a_member_of_the_team_is_not_invited_again(team):
    organisation, admin, member = team
    with pytest.raises(invitations.TeamError, match="already in the team"):
        invitations.invite(organisation, admin, member.email.upper())


def test_a_plain_member_cannot_invite_or_revoke(client, team):
    organisation, admin, member = team
    response = invite_through_the_portal(client, member, "friend@acme.example")
    assert response.status_code == 403
    invitation = invitations.invite(organisation, admin, "x@acme.example")
    client.force_login(member)
    assert (
        client.post(reverse("sponsors:revoke_invitation", args=[invitation.pk])).status_code == 403
    )
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    with pytest.raises(invitations.TeamError):
        invitations.invite(organisation, member, "friend@acme.example")


def test_the_last_administrator_can_be_neither_demoted_nor_removed(client, team):
    organisation, admin, member = team
    own = Membership.objects.get(user=admin)
    with pytest.raises(invitations.TeamError, match="at least one administrator"):
        invitations.change_role(own, admin, MemberRole.MEMBER)
    client.force_login(admin)
    client.post(reverse("sponsors:remove_member", args=[own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()
    # Once another admin exists, the first may step down.
    other = Membership.objects.get(user=member)
    invitations.change_role(other, admin, MemberRole.ADMIN)
    invitations.change_role(own, admin, MemberRole.MEMBER)
    assert Membership.objects.get(pk=own.pk).role == MemberRole.MEMBER


def test_an_admin_removes_a_member_and_a_member_can_leave(client, team):
    organisation, admin, member = team
    third = make_user("third@acme.example")
    Membership.objects.create(user=third, organisation=organisation)
    client.force_login(admin)
    client.post(reverse("sponsors:remove_member", args=[Membership.objects.get(user=third).pk]))
    assert not Membership.objects.filter(user=third).exists()
    client.force_login(member)
    response = client.post(
        reverse("sponsors:remove_member", args=[Membership.objects.get(user=member).pk])
    )
    assert response["Location"] == reverse("sponsors:dashboard")
    assert not Membership.objects.filter(user=member).exists()


def test_a_member_cannot_remove_someone_else(client, team):
    organisation, admin, member = team
    client.force_login(member)
    response = client.post(
        reverse("sponsors:remove_member", args=[Membership.objects.get(user=admin).pk])
    )
    assert response.status_code == 403
    assert Membership.objects.filter(user=admin).exists()


def test_the_invitation_email_is_sent_once_even_if_the_task_runs_twice(
    team, django_capture_on_commit_callbacks
):
    from sponsors.notifications import send_invitation

    organisation, admin, _ = team
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invite(organisation, admin, "once@acme.example")
    assert len(mail.outbox) == 1
    assert send_invitation(invitation.pk) is False
    assert len(mail.outbox) == 1


def test_pending_invitations_are_offered_at_onboarding(client, team):
    organisation, admin, _ = team
    invitation = invitations.invite(organisation, admin, "joiner@acme.example")
    joiner = make_user("joiner@acme.example")
    client.force_login(joiner)
    html = client.get(reverse("sponsors:onboarding")).content.decode()
    assert reverse("sponsors:accept_invitation", args=[invitation.token]) in html
