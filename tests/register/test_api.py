"""API v1 for the register: staff token, filters, and the command's statistics."""

import csv
import io

import pytest
from django.core.management import call_command

from register.demo import load_demo_register
from tests.factories import make_token
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db

AGREEMENTS = "/api/v1/partnerships/agreements/"
STATS = "/api/v1/partnerships/stats/"


@pytest.fixture
def api(client, officer):
    token = make_token(officer)

    def get(url, **params):
        return client.get(url, params, HTTP_AUTHORIZATION=f"Token {token}")

    return get


@pytest.fixture
def register(db):
    run_import(
        [
            row(
                reference="A",
                regions="AFR;EUR",
                areas="infrastructure",
                signed_on="2017-02-01",
                title="Rural broadband",
                partner="Ericsson",
            ),
            row(
                reference="B",
                regions="ASP",
                areas="cybersecurity",
                signed_on="2018-02-01",
                agreement_type="mou",
                title="National CIRT",
                partner="Kaspersky Lab",
            ),
            row(
                reference="C",
                regions="EUR",
                areas="cybersecurity;generic",
                signed_on="2018-06-01",
                agreement_type="addendum",
                amends="A",
                title="Addendum on security",
                partner="Ericsson",
            ),
        ]
    )


def refs(response):
    assert response.status_code == 200, response.content
    return sorted(item["reference"] for item in response.json()["results"])


def test_lists_agreements_with_their_lists(api, register):
    data = api(AGREEMENTS).json()
    assert data["count"] == 3
    c = next(item for item in data["results"] if item["reference"] == "C")
    assert c["regions"] == ["EUR"] and c["areas"] == ["cybersecurity", "generic"]
    assert c["amends"] == "A" and c["partners"][0]["name"] == "Ericsson"
    assert c["value"] == "150000.00" and c["currency"] == "USD"


def test_filters_region_area_type_year_and_words(api, register):
    assert refs(api(AGREEMENTS, region="EUR")) == ["A", "C"]
    assert refs(api(AGREEMENTS, area="cybersecurity")) == ["B", "C"]
    assert refs(api(AGREEMENTS, type="mou")) == ["B"]
    assert refs(api(AGREEMENTS, year=2018)) == ["B", "C"]
    assert refs(api(AGREEMENTS, q="broadband")) == ["A"]
    assert refs(api(AGREEMENTS, region="EUR", area="cybersecurity", year=2018)) == ["C"]


def test_a_bad_filter_value_is_a_clear_400(api, register):
    response = api(AGREEMENTS, region="MARS")
    assert response.status_code == 400 and "region" in response.json()


def test_stats_give_the_same_figures_as_the_command(api):
    load_demo_register()
    for by in ("region", "area", "type"):
        out = io.StringIO()
        call_command("partnership_stats", "--by", by, "--from", "2016", stdout=out)
        lines = list(csv.reader(io.StringIO(out.getvalue())))
        data = api(STATS, by=by, **{"from": 2016}).json()
        assert ["year", *data["columns"], "total"] == lines[0]
        for line, api_row in zip(lines[1:], data["rows"], strict=True):
            assert int(line[0]) == api_row["year"]
            assert [float(x) for x in line[1:-1]] == [api_row["values"][c] for c in data["columns"]]
            assert int(line[-1]) == api_row["total"]
    first = api(STATS, by="region").json()["rows"][0]
    assert first["year"] == 2015 and first["values"]["AFR"] == 16.5 and first["total"] == 68


def test_stats_refuse_an_unknown_dimension(api):
    response = api(STATS, by="colour")
    assert response.status_code == 400 and "by" in response.json()
