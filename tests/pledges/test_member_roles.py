"""Inside a sponsor organisation only an administrator (or a member the administrator lets
pledge) commits it: a plain member reads the pledges but cannot pledge or cancel, on the pages
(a message naming the role needed and who holds it) or through the API (403 with `detail`)."""

import pytest
from rest_framework.test import APIClient

from marketplace.pledges.models import Pledge
from sponsors.models import MemberRole, Membership
from tests.pledges.factories import make_token, pledge_for
from tests.sponsors.builders import make_user


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
