"""A member of organisation A never sees or changes organisation B's data; plain members see
but do not edit; anonymous visitors are sent to sign in."""

import pytest
from django.urls import reverse

from sponsors.models import Contact, ContactRole, Invitation, Membership
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sponsors():
    alice = make_user("alice@a.example")
    bob = make_user("bob@b.example")
    org_a = make_organisation(admin=alice, display_name="Alpha Corp", legal_name="Alpha Corp SA")
    org_b = make_organisation(admin=bob, display_name="Beta Corp", legal_name="Beta Corp GmbH")
    Contact.objects.create(
        organisation=org_b, role=ContactRole.FINANCE, name="Bea Secret", email="bea@b.example"
    )
    invitation_b = Invitation.objects.create(
        organisation=org_b,
        email="friend@b.example",
        invited_by=bob,
        expires_at="2100-01-01T00:00:00Z",
    )
    return alice, org_a, org_b, invitation_b


PORTAL_PAGES = [
    "sponsors:dashboard",
    "sponsors:organisation",
    "sponsors:organisation_edit",
    "sponsors:contacts",
    "sponsors:team",
    "sponsors:invitations",
    "sponsors:organisations",
]


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_pages_show_nothing_of_another_organisation(client, two_sponsors, name):
    alice, _, _, _ = two_sponsors
    client.force_login(alice)
    html = client.get(reverse(name)).content.decode()
    assert "Beta Corp" not in html
    assert "Bea Secret" not in html
    assert "friend@b.example" not in html


def test_another_organisations_contacts_cannot_be_reached_by_id(client, two_sponsors):
    alice, _, org_b, _ = two_sponsors
    secret = Contact.objects.get(name="Bea Secret")
    client.force_login(alice)
    assert client.get(reverse("sponsors:contact_edit", args=[secret.pk])).status_code == 404
    response = client.post(
        reverse("sponsors:contact_edit", args=[secret.pk]),
        {"role": "finance", "name": "Hacked", "email": "x@a.example"},
    )
    assert response.status_code == 404
    assert client.post(reverse("sponsors:contact_delete", args=[secret.pk])).status_code == 404
    secret.refresh_from_db()
    assert secret.name == "Bea Secret"


def test_another_organisations_team_cannot_be_changed(client, two_sponsors):
    alice, _, org_b, invitation_b = two_sponsors
    bob_membership = Membership.objects.get(organisation=org_b)
    client.force_login(alice)
    assert (
        client.post(reverse("sponsors:revoke_invitation", args=[invitation_b.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("sponsors:change_role", args=[bob_membership.pk]), {"role": "member"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("sponsors:remove_member", args=[bob_membership.pk])).status_code == 404
    )
    invitation_b.refresh_from_db()
    bob_membership.refresh_from_db()
    assert invitation_b.revoked_at is None and bob_membership.role == "admin"


def test_editing_the_profile_only_ever_touches_the_active_organisation(client, two_sponsors):
    alice, org_a, org_b, _ = two_sponsors
    client.force_login(alice)
    client.post(
        reverse("sponsors:organisation_edit"),
        {
            "org-legal_name": "Alpha Corp SA",
            "org-display_name": "Alpha Renamed",
            "org-country": "CH",
            "org-category": "ngo",
            "org-public_id": str(org_b.public_id),
            "org-id": org_b.pk,
        },
    )
    org_a.refresh_from_db()
    org_b.refresh_from_db()
    assert org_a.display_name == "Alpha Renamed"
    assert org_b.display_name == "Beta Corp"


def test_a_plain_member_sees_but_cannot_edit(client, two_sponsors):
    _, org_a, _, _ = two_sponsors
    member = make_user("member@a.example")
    Membership.objects.create(user=member, organisation=org_a)
    client.force_login(member)
    assert client.get(reverse("sponsors:contacts")).status_code == 200
    assert client.get(reverse("sponsors:team")).status_code == 200
    for name in (
        "sponsors:organisation_edit",
        "sponsors:contact_add",
        "sponsors:invite",
        "sponsors:invitations",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    contact = org_a.contacts.first()
    assert client.get(reverse("sponsors:contact_edit", args=[contact.pk])).status_code == 403


@pytest.mark.parametrize("name", PORTAL_PAGES + ["sponsors:onboarding"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_last_primary_contact_cannot_be_removed(client, two_sponsors):
    alice, org_a, _, _ = two_sponsors
    primary = org_a.contacts.get()
    client.force_login(alice)
    client.post(reverse("sponsors:contact_delete", args=[primary.pk]))
    assert org_a.contacts.filter(pk=primary.pk).exists()
    response = client.post(
        reverse("sponsors:contact_edit", args=[primary.pk]),
        {"role": "marketing", "name": primary.name, "email": primary.email},
    )
    assert response.status_code == 400
    assert "only primary contact" in response.content.decode()


def test_an_admin_manages_contacts_and_the_finance_contact_is_found(client, two_sponsors):
    alice, org_a, _, _ = two_sponsors
    client.force_login(alice)
    response = client.post(
        reverse("sponsors:contact_add"),
        {"role": "finance", "name": "Fin Person", "email": "fin@a.example", "phone": ""},
    )
    assert response["Location"] == reverse("sponsors:contacts")
    assert org_a.contact_for("finance").email == "fin@a.example"
    assert org_a.contact_for("signatory").role == "primary"
    bad = client.post(reverse("sponsors:contact_add"), {"role": "boss", "name": "", "email": "x"})
    assert bad.status_code == 400
    assert org_a.contacts.count() == 2
