"""Inside a sponsor organisation only an administrator (or a member the administrator lets
pledge) commits it: a plain member reads the pledges but cannot pledge or cancel, on the pages
(a message naming the role needed and who holds it) or through the API (403 with `detail`)."""

import pytest
from rest_framework.test import APIClient

from marketplace.pledges.models import Pledge
from sponsors.models import MemberRole, Membership
from tests.factories import make_token, make_user, pledge_for


@pytest.fixture
def admins_pledge(sponsor, package):
    admin = sponsor[0]
    admin.first_name, admin.last_name = "Grace", "Hopper"
    admin.save()
    return pledge_for(sponsor, package, quantity=1)


def member_of(sponsor, role=MemberRole.MEMBER, **fields):
    user = make_user()
    Membership.objects.create(user=user, organisation=sponsor[1], role=role, **fields)
    return user


def api_for(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return api


def test_a_plain_member_cannot_cancel_the_administrators_pledge(client, sponsor, admins_pledge):
    client.force_login(member_of(sponsor))
    url = f"/account/pledges/{admins_pledge.public_id}/cancel/"

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        html = response.content.decode()
        assert "Cancelling a pledge needs the Administrator role" in html
        assert "Grace Hopper" in html
    assert Pledge.objects.get(pk=admins_pledge.pk).status == "held"


def test_nor_through_the_api(sponsor, admins_pledge):
    response = api_for(member_of(sponsor)).post(
        f"/api/v1/pledges/{admins_pledge.reference}/cancel/"
    )
    assert response.status_code == 403
    assert "Administrator" in response.json()["detail"]
    assert Pledge.objects.get(pk=admins_pledge.pk).status == "held"


def test_a_plain_member_still_reads_the_pledge(client, sponsor, admins_pledge):
    client.force_login(member_of(sponsor))
    response = client.get(f"/account/pledges/{admins_pledge.public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert admins_pledge.reference in html
    assert "Cancel this pledge" not in html
    api = api_for(member_of(sponsor))
    assert api.get(f"/api/v1/pledges/{admins_pledge.reference}/").status_code == 200


def test_a_plain_member_cannot_pledge_on_the_page_or_through_the_api(client, sponsor, package):
    member = member_of(sponsor)
    client.force_login(member)
    url = f"/account/pledges/new/{package.pk}/"
    data = {"quantity": "1", "payment_method": "card", "accept_terms": "on", "terms_version": "1"}
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 403
        assert "Pledging needs the Administrator role" in response.content.decode()
        assert "may pledge and cancel" in response.content.decode()

    body = {"package": package.pk, "quantity": 1, "payment_method": "card", "accept_terms": True}
    response = api_for(member).post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 403
    assert "Pledging needs the Administrator role" in response.json()["detail"]
    assert not Pledge.objects.exists()


def test_a_member_granted_may_pledge_pledges_and_cancels(client, sponsor, package):
    member = member_of(sponsor, may_pledge=True)
    body = {"package": package.pk, "quantity": 1, "payment_method": "card", "accept_terms": True}
    response = api_for(member).post("/api/v1/pledges/", body, format="json")
    assert response.status_code == 201
    pledge = Pledge.objects.get(reference=response.json()["reference"])
    client.force_login(member)
    client.post(f"/account/pledges/{pledge.public_id}/cancel/")
    assert Pledge.objects.get(pk=pledge.pk).status == "cancelled"


@pytest.mark.parametrize("role", ["signatory", "finance"])
def test_signatories_and_finance_do_not_cancel_without_the_grant(
    client, sponsor, admins_pledge, role
):
    client.force_login(member_of(sponsor, role))
    response = client.post(f"/account/pledges/{admins_pledge.public_id}/cancel/")
    assert response.status_code == 403
    assert Pledge.objects.get(pk=admins_pledge.pk).status == "held"
