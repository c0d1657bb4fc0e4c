"""Nobody decides on a pledge they made or that their own organisation made: an approver who is
also a member of the sponsor is refused with a clear message, and the pledge is unchanged."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from events.editorial import APPROVERS, ensure_editorial_setup
from marketplace.pledges import services
from marketplace.pledges.errors import PledgeError
from marketplace.pledges.models import Pledge
from marketplace.pledges.permissions import ensure_pledge_permissions
from sponsors.models import Clearance, MemberRole, Membership
from tests.factories import make_package, pledge_for


@pytest.fixture
def dinner(event):
    return make_package(event, title="Networking dinner", capacity=1, requires_approval=True)


@pytest.fixture
def approver(tree):
    ensure_editorial_setup(tree[1])
    ensure_pledge_permissions()
    user = get_user_model().objects.create_user("amadou@example.org", "amadou@example.org", "pw")
    user.groups.add(Group.objects.get(name=APPROVERS))
    return user


@pytest.fixture
def cleared(sponsor):
    sponsor[1].clearance = Clearance.CLEARED
    sponsor[1].save()
    return sponsor


def test_an_approver_who_belongs_to_the_sponsor_cannot_approve_its_pledge(
    client, approver, cleared, dinner
):
    pledge = pledge_for(cleared, dinner)
    Membership.objects.create(user=approver, organisation=cleared[1], role=MemberRole.MEMBER)
    moves = pledge.history.count()
    client.force_login(approver)
    response = client.post(f"/admin/pledges/approve/{pledge.pk}/", {"reason": "Looks fine."})
    assert response.status_code == 200  # the form again, with the refusal
    assert "You are a member of Acme" in response.content.decode()
    assert "another approver must decide on it" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == "awaiting_approval"
    assert pledge.history.count() == moves  # nothing logged: nothing happened


def test_an_approver_who_made_the_pledge_cannot_decide_it(approver, cleared, dinner):
    # The approver made it through the portal for an organisation they have since left.
    EmailAddress.objects.create(user=approver, email=approver.email, verified=True, primary=True)
    membership = Membership.objects.create(
        user=approver, organisation=cleared[1], role=MemberRole.ADMIN
    )
    pledge = pledge_for((approver, cleared[1]), dinner)
    membership.delete()
    for decide in (
        lambda: services.approve(pledge, actor=approver),
        lambda: services.reject(pledge, actor=approver, reason="No."),
        lambda: services.cancel(pledge, actor=approver, reason="No."),
    ):
        with pytest.raises(PledgeError, match="You made pledge"):
            decide()
    assert Pledge.objects.get(pk=pledge.pk).status == "awaiting_approval"


def test_another_approver_decides_the_pledge(approver, cleared, dinner):
    pledge = pledge_for(cleared, dinner)
    services.approve(pledge, actor=approver, reason="Checked.")
    assert Pledge.objects.get(pk=pledge.pk).status == "awaiting_payment"


def test_the_sponsor_still_cancels_its_own_pledge(cleared, dinner):
    pledge = pledge_for(cleared, dinner)
    services.cancel(pledge, actor=cleared[0], by_sponsor=True)
    assert Pledge.objects.get(pk=pledge.pk).status == "cancelled"
