"""Who sees the register: officers edit, finance reads, a sponsor account sees none of it."""

import pytest
from django.urls import reverse

from register.models import Partner, PartnershipAgreement
from tests.factories import make_token
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(db):
    run_import([row(reference="P-1")])
    return PartnershipAgreement.objects.get(reference="P-1")


def staff_pages(agreement):
    partner = Partner.objects.get()
    return [
        reverse("register:search"),
        reverse("register:search") + "?region=AFR",
        reverse("register:charts"),
        reverse("register:chart-csv", args=["regions"]),
        reverse("register:export"),
        reverse("register:agreement", args=[agreement.pk]),
        reverse("register:partner", args=[partner.pk]),
        reverse("register:document", kwargs={"name": "agreements/2026/01/x.pdf"}),
    ]


API = ["/api/v1/partnerships/agreements/", "/api/v1/partnerships/stats/?by=region"]


def test_a_sponsor_account_sees_none_of_the_register(client, sponsor, agreement):
    client.force_login(sponsor)
    for url in staff_pages(agreement):
        assert client.get(url).status_code == 403, url
    for url in API:
        assert client.get(url).status_code == 403, url
    token = make_token(sponsor)
    for url in API:
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 403, url
    for url in [
        reverse("wagtailsnippets_register_agreement:list"),
        reverse("wagtailsnippets_register_agreement:edit", args=[agreement.pk]),
        reverse("register_admin_import"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    page = client.get("/search/")
    assert b"/partnerships/" not in page.content


def test_anonymous_visitors_are_sent_to_sign_in(client, agreement):
    for url in staff_pages(agreement)[:3]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(API[0]).status_code == 401


def test_finance_reads_but_cannot_edit_or_import(client, finance, agreement):
    client.force_login(finance)
    for url in staff_pages(agreement)[:-1]:
        assert client.get(url).status_code == 200, url
    assert client.get(API[0]).status_code == 200
    assert client.get(reverse("wagtailsnippets_register_agreement:list")).status_code == 200
    inspect = reverse("wagtailsnippets_register_agreement:inspect", args=[agreement.pk])
    assert client.get(inspect).status_code == 200
    edit = reverse("wagtailsnippets_register_agreement:edit", args=[agreement.pk])
    for refused in (
        client.get(edit),
        client.post(edit, {"title": "Hijack"}),
        client.get(reverse("register_admin_import")),
    ):
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    agreement.refresh_from_db()
    assert agreement.title == "Broadband for schools"
    assert b"/partnerships/" in client.get("/search/").content


def test_officers_edit_and_import(client, officer, agreement):
    client.force_login(officer)
    edit = reverse("wagtailsnippets_register_agreement:edit", args=[agreement.pk])
    assert client.get(edit).status_code == 200
    assert client.get(reverse("register_admin_import")).status_code == 200
    assert client.get(reverse("wagtailsnippets_register_agreement:add")).status_code == 200
