"""A sponsor journey without dead ends: registering the organisation returns to the package
being pledged; the invitation link says who invited whom to what and, signed out, offers to
create the account with the address filled in; "Become a sponsor" in the header and on
package pages."""

from django.urls import reverse

from sponsors import invitations
from sponsors.models import Organisation
from tests.factories import make_user

ORGANISATION = {
    "org-legal_name": "Nimbus Networks SA",
    "org-display_name": "Nimbus",
    "org-country": "CH",
    "org-category": "private_sector",
    "org-declares_no_excluded_activities": "on",
    "org-accepts_global_compact": "on",
    "contact-name": "Nia Nimbus",
    "contact-email": "nia@nimbus.example",
}


def test_registering_the_organisation_returns_to_the_package_being_pledged(client, package):
    user = make_user("nia@nimbus.example")
    client.force_login(user)
    pledge_url = reverse("pledges:create", args=[package.pk])
    needed = client.get(pledge_url)
    assert needed.status_code == 403
    html = needed.content.decode()
    assert f'href="/account/onboarding/?next={pledge_url}"' in html
    # The person wanders to the portal first: the return is kept in their session.
    onboarding = client.get(reverse("sponsors:onboarding")).content.decode()
    assert "you go back to the package you were pledging" in onboarding
    response = client.post(reverse("sponsors:onboarding"), ORGANISATION)
    assert response.status_code == 302
    assert response["Location"] == pledge_url
    assert Organisation.objects.filter(display_name="Nimbus").exists()
    assert client.get(pledge_url).status_code == 200  # the pledge form, at last


def test_onboarding_without_a_package_goes_to_the_portal(client, db):
    client.force_login(make_user("solo@nimbus.example"))
    response = client.post(reverse("sponsors:onboarding"), ORGANISATION)
    assert response["Location"] == reverse("sponsors:dashboard")


def test_onboarding_ignores_a_next_to_another_site(client, db):
    client.force_login(make_user("solo@nimbus.example"))
    data = {**ORGANISATION, "next": "https://evil.example/"}
    response = client.post(reverse("sponsors:onboarding"), data)
    assert response["Location"] == reverse("sponsors:dashboard")


def test_a_signed_out_invitation_says_who_invited_whom_and_prefills_the_email(client, sponsor):
    user, organisation = sponsor
    user.first_name, user.last_name = "Maya", "Rao"
    user.save()
    invitation = invitations.invite(organisation, user, "new@acme.example")
    url = reverse("sponsors:accept_invitation", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maya Rao invited new@acme.example to join Acme as Member." in html
    assert "/accounts/signup/?email=new%40acme.example&amp;next=" in html
    signup = client.get(f"/accounts/signup/?email=new%40acme.example&next={url}").content.decode()
    assert 'value="new@acme.example"' in signup
    login = client.get(f"/accounts/login/?email=new%40acme.example&next={url}").content.decode()
    assert 'value="new@acme.example"' in login
    # Accepting still needs the account: a signed-out POST goes to sign in.
    assert client.post(url)["Location"].startswith("/accounts/login/")


def test_the_header_and_the_package_page_offer_to_sign_up(client, package):
    html = client.get(package.url).content.decode()
    assert "Become a sponsor" in html
    assert f"/accounts/signup/?next=/account/pledges/new/{package.pk}/" in html
