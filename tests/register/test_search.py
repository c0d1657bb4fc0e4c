"""The search tool: words, facets with counts, pagination, partners like this."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from register.models import PartnershipAgreement
from register.profile import partners_like
from register.search import SearchParams, search
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(db):
    run_import(
        [
            row(
                reference="A",
                title="Spectrum regulation",
                partner="European Commission",
                partner_category="intergovernmental",
                agreement_type="project_document",
                regions="AFR",
                areas="enabling_environment",
                value="5500000",
                currency="EUR",
                signed_on="2018-03-01",
                objective="Harmonised spectrum in Africa.",
            ),
            row(
                reference="B",
                title="mHealth for diabetes",
                partner="WHO;World Diabetes Foundation",
                partner_category="un_agency",
                agreement_type="cooperation_agreement",
                regions="AFR;ASP",
                areas="ict_applications",
                value="",
                currency="",
                contribution="none",
                signed_on="2017-05-01",
                objective="Mobile health.",
            ),
            row(
                reference="C",
                title="E-waste statistics",
                partner="UNU",
                partner_category="un_agency",
                agreement_type="mou",
                regions="GLO",
                areas="climate_change_ewaste;statistics",
                value="40000",
                currency="USD",
                contribution="in_kind",
                signed_on="2016-01-10",
                objective="Global monitor.",
            ),
            row(
                reference="D",
                title="Cybersecurity drill",
                partner="Kaspersky Lab",
                partner_category="sector_member",
                agreement_type="sponsorship",
                regions="ASP",
                areas="cybersecurity",
                value="25000",
                currency="CHF",
                signed_on="2018-09-09",
                objective="Regional drill.",
            ),
        ]
    )


def params(query: str) -> SearchParams:
    return SearchParams.from_query(QueryDict(query))


def refs(result):
    return sorted(a.reference for a in result.page.object_list)


def counts(result, facet):
    return {o.code: o.count for o in result.facets[facet] if o.count}


def test_no_filter_lists_everything_most_recent_first(register):
    result = search(params(""))
    assert [a.reference for a in result.page.object_list] == ["D", "A", "B", "C"]
    assert counts(result, "region") == {"AFR": 2, "ASP": 2, "GLO": 1}


def test_words_match_title_objective_and_partner_names(register):
    assert refs(search(params("q=spectrum"))) == ["A"]
    assert refs(search(params("q=diabetes"))) == ["B"]  # a partner name
    assert refs(search(params("q=monitor"))) == ["C"]  # the objective
    assert refs(search(params("q=nothing+like+this"))) == []


def test_facets_combine_and_each_counts_without_its_own_selection(register):
    result = search(params("region=ASP&type=sponsorship"))
    assert refs(result) == ["D"]
    # Region counts apply the type filter only; type counts apply the region filter only.
    assert counts(result, "region") == {"ASP": 1}
    assert counts(result, "type") == {"cooperation_agreement": 1, "sponsorship": 1}
    selected = [o.code for o in result.facets["region"] if o.selected]
    assert selected == ["ASP"]


def test_two_values_of_one_facet_mean_either(register):
    assert refs(search(params("region=GLO&region=ASP"))) == ["B", "C", "D"]


def test_year_value_category_and_contribution_facets(register):
    result = search(params("year_from=2017&year_to=2018"))
    assert refs(result) == ["A", "B", "D"]
    assert {o.code: o.count for o in result.years} == {"2018": 2, "2017": 1, "2016": 1}
    assert refs(search(params("value=over_1m"))) == ["A"]
    assert refs(search(params("value=no_value"))) == ["B"]
    result = search(params("category=un_agency&contribution=in_kind"))
    assert refs(result) == ["C"]
    assert counts(result, "contribution") == {"none": 1, "in_kind": 1}
    assert counts(result, "value") == {"under_50k": 1}


def test_unknown_codes_and_bad_years_are_ignored(register):
    p = params("region=MARS&year_from=abc&value=lots")
    assert p.is_empty
    assert len(search(p).page.object_list) == 4


def test_results_are_paginated(register):
    result = search(params(""), page_number=2, per_page=3)
    assert result.page.number == 2 and len(result.page.object_list) == 1
    assert result.page.paginator.count == 4


def test_partners_like_share_regions_and_areas(register):
    suggestions = partners_like(regions=["ASP"], areas=["cybersecurity"])
    names = [s.partner.name for s in suggestions]
    assert names[0] == "Kaspersky Lab"  # shares both
    assert set(names[1:]) == {"WHO", "World Diabetes Foundation"}  # share the region only
    assert suggestions[0].labels() == ["Asia and the Pacific", "Cybersecurity"]


@pytest.mark.postgres
def test_postgresql_full_text_search_stems_and_ranks(register):
    from register.models import PartnershipAgreement

    assert PartnershipAgreement.objects.exclude(search_document=None).count() == 4
    # "regulations" matches "regulation" through the English stemmer (icontains would not).
    assert refs(search(params("q=regulations"))) == ["A"]
    assert refs(search(params("q=diabetes+OR+drill"))) == ["B", "D"]
    assert refs(search(params("q=diabetes&region=AFR"))) == ["B"]
    result = search(params("q=spectrum"))
    assert [a.reference for a in result.page.object_list] == ["A"]
    assert counts(result, "region") == {"AFR": 1}


def test_the_results_total_their_values_in_the_reporting_currency(client, officer):
    run_import(
        [
            row(reference="U", value="1000.00", currency="USD", signed_on="2018-03-01"),
            row(reference="C", value="975.00", currency="CHF", signed_on="2018-01-15"),
            row(reference="X", value="500.00", currency="XAF", signed_on="2018-02-01"),
        ]
    )
    result = search(params(""))
    # CHF 975 at January 2018's demo rate (0.975 per dollar) is USD 1,000.
    assert result.reporting_total == Decimal("2000.00") and result.without_rate == 1
    client.force_login(officer)
    page = client.get("/partnerships/").content.decode()
    assert 'data-reporting-total="2000.00"' in page
    assert "1 value has no rate of exchange and is left out." in page


def test_an_agreement_page_shows_its_value_in_the_reporting_currency(client, officer):
    run_import(
        [
            row(reference="C", value="975.00", currency="CHF", signed_on="2018-01-15"),
            row(reference="X", value="500.00", currency="XAF", signed_on="2018-02-01"),
        ]
    )
    client.force_login(officer)
    chf = PartnershipAgreement.objects.get(reference="C")
    assert chf.reporting_amount == Decimal("1000.00") and chf.reporting_rate_date.month == 1
    page = client.get(chf.get_absolute_url()).content.decode()
    assert 'data-reporting-value="1000.00"' in page and "USD\xa01,000" in page
    xaf = PartnershipAgreement.objects.get(reference="X")
    page = client.get(xaf.get_absolute_url()).content.decode()
    assert "(no rate of exchange for its signature date)" in page
