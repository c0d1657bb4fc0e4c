"""Only members of the pledging organisation see or act on a pledge: sponsor B cannot read,
cancel or take up sponsor A's pledge by reference or by identifier, through pages or the API,
and gets the same 404 as for a pledge that does not exist."""

import uuid

import pytest
from rest_framework.test import APIClient

from marketplace.pledges.models import Pledge, WaitlistEntry
from marketplace.pledges.waitlist import join_waitlist, offer_all_waiting
from tests.factories import make_sponsor, make_token, pledge_for


@pytest.fixture
def a_pledge(package, sponsor):
    return pledge_for(sponsor, package, quantity=2)


@pytest.fixture
def b_client(client, other_sponsor):
    client.force_login(other_sponsor[0])
    return client


@pytest.fixture
def b_api(other_sponsor):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(other_sponsor[0])}")
    return api


def _unchanged(pledge):
    fresh = Pledge.objects.get(pk=pledge.pk)
    assert fresh.status == pledge.status
    assert fresh.history.count() == pledge.history.count()


def test_pages_answer_404_to_another_organisation(b_client, a_pledge):
    pid = a_pledge.public_id
    for url in (f"/account/pledges/{pid}/", f"/account/pledges/{pid}/cancel/"):
        assert b_client.get(url).status_code == 404
    for url in (f"/account/pledges/{pid}/cancel/", f"/account/pledges/{pid}/accept-offer/"):
        assert b_client.post(url).status_code == 404
    unknown = uuid.uuid4()
    assert b_client.get(f"/account/pledges/{unknown}/").status_code == 404
    _unchanged(a_pledge)


def test_pages_do_not_list_another_organisations_pledges(b_client, a_pledge):
    response = b_client.get("/account/pledges/")
    assert response.status_code == 200
    assert a_pledge.reference not in response.content.decode()


def test_api_answers_404_to_another_organisation(b_api, a_pledge):
    ref = a_pledge.reference
    assert b_api.get(f"/api/v1/pledges/{ref}/").status_code == 404
    assert b_api.post(f"/api/v1/pledges/{ref}/cancel/").status_code == 404
    assert b_api.get(f"/api/v1/pledges/{a_pledge.public_id}/").status_code == 404
    not_found = b_api.get("/api/v1/pledges/SP-1999-123456/")
    assert b_api.get(f"/api/v1/pledges/{ref}/").json() == not_found.json()
    assert b_api.get("/api/v1/pledges/").json()["count"] == 0
    _unchanged(a_pledge)


def test_a_teammate_of_a_sees_and_cancels_it(client, a_pledge, sponsor):
    teammate, _org = make_sponsor(organisation=sponsor[1])
    client.force_login(teammate)
    assert client.get(f"/account/pledges/{a_pledge.public_id}/").status_code == 200
    response = client.post(f"/account/pledges/{a_pledge.public_id}/cancel/")
    assert response.status_code == 302
    assert Pledge.objects.get(pk=a_pledge.pk).status == "cancelled"


def test_another_organisation_cannot_take_up_a_waiting_list_offer(b_client, package, a_pledge):
    from marketplace.pledges.services import cancel

    pledge_for(make_sponsor(), package, quantity=1)  # sold out
    waiting_user, waiting_org = make_sponsor()
    entry = join_waitlist(
        user=waiting_user,
        organisation=waiting_org,
        package_id=package.pk,
        quantity=1,
        payment_method="card",
        accept_terms=True,
    )
    cancel(a_pledge, actor=None)
    offer_all_waiting()
    entry.refresh_from_db()
    offer = entry.offer
    assert b_client.post(f"/account/pledges/{offer.public_id}/accept-offer/").status_code == 404
    assert b_client.post(f"/account/pledges/waitlist/entry/{entry.pk}/leave/").status_code == 404
    assert Pledge.objects.get(pk=offer.pk).status == "held"
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "offered"


def test_anonymous_visitors_are_sent_to_sign_in(client, a_pledge, package):
    for url in (
        "/account/pledges/",
        f"/account/pledges/{a_pledge.public_id}/",
        f"/account/pledges/new/{package.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert APIClient().get(f"/api/v1/pledges/{a_pledge.reference}/").status_code == 401


def test_another_organisation_cannot_pay_it(b_client, b_api, a_pledge):
    """The payment routes (payments app) answer 404 to a non-member too, and start nothing."""
    pid, ref = a_pledge.public_id, a_pledge.reference
    for url in (f"/account/pledges/{pid}/pay/card/", f"/account/pledges/{pid}/invoice/"):
        assert b_client.post(url).status_code == 404
    for url in (f"/api/v1/pledges/{ref}/checkout/", f"/api/v1/pledges/{ref}/invoice/"):
        assert b_api.post(url).status_code == 404
    _unchanged(a_pledge)
