"""The roles inside a sponsor organisation, decided in one place (`sponsors.membership`): every
cell of role × action, the grants an administrator adds, and the team page where
administrators change roles and grants — audited, never leaving the team without one."""

import pytest
from django.urls import reverse

from sponsors import invitations
from sponsors.membership import Action, can, holders, refusal
from sponsors.models import MemberRole, Membership, MembershipChange
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db

YES, NO = True, False
# role: VIEW, SIGN, PLEDGE, CANCEL, PAY, MANAGE_TEAM
MATRIX = {
    MemberRole.ADMIN: (YES, YES, YES, YES, YES, YES),
    MemberRole.SIGNATORY: (YES, YES, NO, NO, NO, NO),
    MemberRole.FINANCE: (YES, NO, NO, NO, YES, NO),
    MemberRole.MEMBER: (YES, NO, NO, NO, NO, NO),
}
ACTIONS = (Action.VIEW, Action.SIGN, Action.PLEDGE, Action.CANCEL, Action.PAY, Action.MANAGE_TEAM)


@pytest.fixture
def organisation():
    return make_organisation(admin=make_user("admin@acme.example", first_name="Grace"))


def member(organisation, role, email=None, **fields):
    user = make_user(email, **fields.pop("names", {}))
    Membership.objects.create(user=user, organisation=organisation, role=role, **fields)
    return user


@pytest.mark.parametrize("role", list(MATRIX))
def test_every_cell_of_the_role_matrix(organisation, role):
    user = member(organisation, role)
    assert tuple(can(user, organisation, action) for action in ACTIONS) == MATRIX[role]


def test_grants_add_pledging_or_paying_but_never_signing_or_the_team(organisation):
    pledger = member(organisation, MemberRole.MEMBER, may_pledge=True)
    payer = member(organisation, MemberRole.SIGNATORY, may_pay=True)
    assert [can(pledger, organisation, a) for a in ACTIONS] == [YES, NO, YES, YES, NO, NO]
    assert [can(payer, organisation, a) for a in ACTIONS] == [YES, YES, NO, NO, YES, NO]


def test_outsiders_and_anonymous_visitors_may_do_nothing(organisation):
    from django.contrib.auth.models import AnonymousUser

    stranger = make_user()
    make_organisation(admin=stranger)
    for action in ACTIONS:
        assert not can(stranger, organisation, action)
        assert not can(AnonymousUser(), organisation, action)


def test_the_refusal_names_the_role_and_who_holds_it(organisation):
    member(organisation, MemberRole.SIGNATORY, names={"first_name": "Carl", "last_name": "F"})
    member(organisation, MemberRole.MEMBER, names={"first_name": "Mo"})
    assert [m.display_name for m in holders(organisation, Action.SIGN)] == ["Grace", "Carl F"]
    message = refusal(organisation, Action.SIGN)
    assert message.startswith("Signing an agreement needs the Signatory or Administrator role.")
    assert "Grace, Carl F" in message and "Mo" not in message


# --- The team page ------------------------------------------------------------------------


@pytest.fixture
def admin(organisation):
    return Membership.objects.get(organisation=organisation, role=MemberRole.ADMIN).user


def save_member(client, membership, role, **grants):
    data = {"role": role, **{k: "on" for k, v in grants.items() if v}}
    return client.post(reverse("sponsors:change_role", args=[membership.pk]), data, follow=True)


def test_an_administrator_makes_a_member_signatory_and_lets_them_pay_audited(
    client, organisation, admin
):
    pat = member(organisation, MemberRole.MEMBER, "pat@acme.example")
    client.force_login(admin)
    page = client.get(reverse("sponsors:team")).content.decode()
    assert 'id="role-' in page and "What each role may do" in page

    membership = Membership.objects.get(user=pat)
    response = save_member(client, membership, "signatory", may_pay=True)

    membership.refresh_from_db()
    assert (membership.role, membership.may_pledge, membership.may_pay) == (
        "signatory",
        False,
        True,
    )
    changes = MembershipChange.objects.filter(member=pat).order_by("pk")
    assert [(c.kind, c.from_state, c.to_state) for c in changes] == [
        ("role", "member", "signatory"),
        ("may_pay", "no", "yes"),
    ]
    assert all(c.actor == admin and c.at is not None for c in changes)
    html = response.content.decode()
    assert "Member → Signatory" in html and "pat@acme.example" in html  # the history


def test_saving_without_a_change_records_nothing(client, organisation, admin):
    pat = member(organisation, MemberRole.FINANCE)
    client.force_login(admin)
    save_member(client, Membership.objects.get(user=pat), "finance")
    assert not MembershipChange.objects.exists()


def test_the_last_administrator_cannot_be_demoted(client, organisation, admin):
    client.force_login(admin)
    own = Membership.objects.get(user=admin)
    response = save_member(client, own, "member")
    assert "needs at least one administrator" in response.content.decode()
    assert Membership.objects.get(pk=own.pk).role == "admin"
    assert not MembershipChange.objects.exists()
    with pytest.raises(invitations.TeamError):
        invitations.change_membership(own, admin, role=MemberRole.FINANCE)


def test_a_member_cannot_change_roles_and_is_told_who_can(client, organisation, admin):
    pat = member(organisation, MemberRole.SIGNATORY)
    client.force_login(pat)
    own = Membership.objects.get(user=pat)
    response = client.post(
        reverse("sponsors:change_role", args=[own.pk]), {"role": "admin", "may_pay": "on"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Managing the organisation and its team needs the Administrator role" in html
    assert "Grace" in html
    assert Membership.objects.get(pk=own.pk).role == "signatory"
    page = client.get(reverse("sponsors:team")).content.decode()
    assert 'name="role"' not in page and "Signatory" in page


def test_an_invitation_carries_its_role_and_joining_is_recorded(
    client, organisation, admin, django_capture_on_commit_callbacks
):
    invitation = invitations.invite(organisation, admin, "cfo@acme.example", "finance")
    cfo = make_user("cfo@acme.example")
    invitations.accept(invitation.token, cfo)
    assert Membership.objects.get(user=cfo).role == "finance"
    joined = MembershipChange.objects.get(member=cfo)
    assert (joined.from_state, joined.to_state, joined.actor) == ("", "finance", cfo)

    client.force_login(admin)
    client.post(reverse("sponsors:remove_member", args=[Membership.objects.get(user=cfo).pk]))
    left = MembershipChange.objects.filter(member_email="cfo@acme.example").first()
    assert (left.from_state, left.to_state, left.actor) == ("finance", "", admin)
