"""Years outside 1950–2100 and parameters that cannot be used are said, never silently
dropped (issue 13 item 1)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from register.stats import YearOutOfRange, agreement_stats
from tests.register.conftest import make_user, row, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    from register.access import PARTNERSHIP_OFFICERS

    return make_user("officer@example.org", PARTNERSHIP_OFFICERS, is_staff=True)


def test_statistics_span_the_years_that_have_agreements():
    run_import(
        [row(reference="A", signed_on="2016-05-01"), row(reference="B", signed_on="2018-01-02")]
    )
    assert [r.year for r in agreement_stats("region").rows] == [2016, 2017, 2018]


def test_partnership_stats_refuses_a_year_before_1950():
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="--from: 1800 is outside 1950–2100") as caught:
        call_command("partnership_stats", "--by", "region", "--from", "1800", stderr=stderr)
    assert caught.value.returncode != 0
    with pytest.raises(YearOutOfRange):
        agreement_stats("region", 2016, 2300)


def test_the_search_page_says_which_parameters_it_cannot_use(client, reader):
    client.force_login(reader)
    response = client.get(reverse("register:search"), {"year_from": "abc", "region": "XXX"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "year_from: &#x27;abc&#x27; is not a year" in text
    assert "region: &#x27;XXX&#x27; is not a known region" in text
    response = client.get(reverse("register:search"), {"year_to": "1800"})
    assert "year_to: 1800 is outside 1950–2100" in response.content.decode()


def test_a_plain_search_shows_no_problem(client, reader):
    client.force_login(reader)
    response = client.get(reverse("register:search"), {"region": "AFR", "year_from": "2016"})
    assert 'role="alert"' not in response.content.decode()


def test_the_charts_page_says_a_year_is_out_of_range(client, reader):
    client.force_login(reader)
    response = client.get(reverse("register:charts"), {"from": "1800"})
    assert "from: 1800 is outside 1950–2100" in response.content.decode()


def test_the_api_answers_400_with_field_errors(client, reader):
    client.force_login(reader)
    url = reverse("api-partnership-agreements")
    response = client.get(url, {"region": "XXX", "year": "abc"})
    assert response.status_code == 400
    assert set(response.json()) == {"region", "year"}
    assert client.get(url, {"year": "1800"}).status_code == 400
    stats = client.get(reverse("api-partnership-stats"), {"by": "region", "from": "1800"})
    assert stats.status_code == 400 and "year_from" in stats.json()
