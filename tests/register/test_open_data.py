"""The public open-data page and downloads: aggregates of publishable agreements only, never a
confidential field (issue 13 item 7)."""

import csv
import io

import pytest
from django.urls import reverse

from register.demo import load_demo_register
from register.models import PartnershipAgreement
from register.stats import agreement_stats
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db


def _register():
    run_import(
        [
            row(
                reference="PUB-1",
                title="Public broadband",
                regions="AFR",
                value="1000",
                signed_on="2017-01-02",
            ),
            row(
                reference="PUB-2",
                title="Public cyber",
                regions="AFR;EUR",
                areas="cybersecurity",
                value="500",
                currency="CHF",
                signed_on="2018-01-02",
            ),
            row(
                reference="SECRET-1",
                title="Secret deal",
                partner="Hidden Corp",
                objective="Confidential aim",
                regions="ASP",
                value="999999",
                signed_on="2018-03-03",
            ),
        ]
    )
    PartnershipAgreement.objects.filter(reference__startswith="PUB").update(publishable=True)


def test_the_page_is_public_and_counts_only_publishable_agreements(client):
    _register()
    response = client.get("/partnerships/open-data/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    text = response.content.decode()
    assert "2 partnership agreements" in text
    for secret in ("SECRET-1", "Secret deal", "Hidden Corp", "Confidential aim", "999"):
        assert secret not in text
    assert "<svg" in text and "<table" in text


def test_a_signed_in_visitor_is_not_cached_by_shared_caches(client, django_user_model):
    user = django_user_model.objects.create_user("v", "v@example.org", "pw-123456789")
    client.force_login(user)
    response = client.get(reverse("register:open-data"))
    assert "private" in response["Cache-Control"]


def test_the_json_download_gives_the_figures_of_publishable_agreements(client):
    _register()
    response = client.get("/partnerships/open-data/figures.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["agreements"] == 2
    regions = {row["year"]: row for row in data["dimensions"]["region"]["rows"]}
    assert regions[2017]["values"]["AFR"] == 1 and regions[2018]["values"]["AFR"] == 0.5
    assert regions[2018]["values"]["ASP"] == 0 and regions[2018]["total"] == 1
    assert data["value_by_currency"] == [
        {"year": 2017, "currency": "USD", "value": "1000.00"},
        {"year": 2018, "currency": "CHF", "value": "500.00"},
    ]
    assert "SECRET" not in response.content.decode() and "999999" not in response.content.decode()


def test_the_csv_download_is_one_figure_per_line(client):
    _register()
    response = client.get("/partnerships/open-data/figures.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["dimension", "year", "code", "label", "value"]
    assert ["region", "2018", "EUR", "Europe", "0.5"] in rows
    assert ["value", "2018", "CHF", "", "500.00"] in rows
    assert not any("999999" in cell for line in rows for cell in line)


def test_new_agreements_are_not_publishable_unless_marked():
    run_import([row(reference="A")])
    assert PartnershipAgreement.objects.get().publishable is False


def test_the_demo_register_is_open_data_with_the_seed_figures():
    load_demo_register()
    assert not PartnershipAgreement.objects.filter(publishable=False).exists()
    assert (
        agreement_stats("region", publishable_only=True).csv_rows()
        == agreement_stats("region").csv_rows()
    )
