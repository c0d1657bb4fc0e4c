"""Paying commits the organisation's money: an administrator pays, so does the finance role
and a member granted "may pay"; a plain member or a signatory is refused on the page (the
role needed and who holds it) and through the API (403 `detail`), and nothing is started."""

import pytest
from rest_framework.test import APIClient

from marketplace.finance.models import Invoice
from marketplace.payments.models import Payment
from sponsors.models import MemberRole, Membership
from tests.factories import make_token, make_user, pledge_for


def teammate(sponsor, role=MemberRole.MEMBER, **grants):
    user = make_user()
    Membership.objects.create(user=user, organisation=sponsor[1], role=role, **grants)
    return user


def api_for(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    return api


@pytest.fixture
def card_pledge(sponsor, package):
    return pledge_for(sponsor, package, quantity=1, payment_method="card")


@pytest.fixture
def bank_pledge(sponsor, package):
    return pledge_for(sponsor, package, quantity=1, payment_method="bank_transfer")


@pytest.fixture
def named_admin(sponsor):
    sponsor[0].first_name, sponsor[0].last_name = "Grace", "Hopper"
    sponsor[0].save()
    return sponsor[0]


@pytest.mark.parametrize("role", [MemberRole.MEMBER, MemberRole.SIGNATORY])
def test_a_member_without_the_right_cannot_pay_by_card_or_ask_for_the_invoice(
    client, sponsor, named_admin, card_pledge, bank_pledge, fake_stripe, role
):
    client.force_login(teammate(sponsor, role))
    page = client.get(f"/account/pledges/{card_pledge.public_id}/").content.decode()
    assert "Pay by card" not in page
    assert "Paying a pledge needs the Finance or Administrator role" in page

    for pledge, action in ((card_pledge, "pay/card/"), (bank_pledge, "invoice/")):
        response = client.post(f"/account/pledges/{pledge.public_id}/{action}")
        assert response.status_code == 403
        html = response.content.decode()
        assert "Paying a pledge needs the Finance or Administrator role" in html
        assert "Grace Hopper" in html
    assert not Payment.objects.exists() and not Invoice.objects.exists()
    assert fake_stripe.calls("/v1/checkout/sessions") == []


def test_nor_through_the_api(sponsor, card_pledge, bank_pledge, fake_stripe):
    api = api_for(teammate(sponsor))
    for pledge, action in ((card_pledge, "checkout"), (bank_pledge, "invoice")):
        response = api.post(f"/api/v1/pledges/{pledge.reference}/{action}/")
        assert response.status_code == 403
        assert "Finance or Administrator" in response.json()["detail"]
    assert not Payment.objects.exists() and not Invoice.objects.exists()


def test_the_finance_role_pays_by_card_and_gets_the_invoice(
    client, sponsor, card_pledge, bank_pledge, fake_stripe
):
    client.force_login(teammate(sponsor, MemberRole.FINANCE))
    page = client.get(f"/account/pledges/{card_pledge.public_id}/").content.decode()
    assert "Pay by card (CHF\xa05,000.00)" in page
    response = client.post(f"/account/pledges/{card_pledge.public_id}/pay/card/")
    assert response["Location"].startswith("https://checkout.stripe.com/")
    client.post(f"/account/pledges/{bank_pledge.public_id}/invoice/")
    assert Invoice.objects.get().pledge == bank_pledge


def test_a_member_granted_may_pay_gets_the_invoice_through_the_api(sponsor, bank_pledge):
    response = api_for(teammate(sponsor, may_pay=True)).post(
        f"/api/v1/pledges/{bank_pledge.reference}/invoice/"
    )
    assert response.status_code == 201
    assert Invoice.objects.get().number == response.json()["number"]


def test_every_member_downloads_the_invoice(client, sponsor, bank_pledge):
    client.force_login(sponsor[0])
    client.post(f"/account/pledges/{bank_pledge.public_id}/invoice/")
    invoice = Invoice.objects.get()
    client.force_login(teammate(sponsor))
    url = f"/account/pledges/{bank_pledge.public_id}/documents/invoice/{invoice.number}.pdf"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
