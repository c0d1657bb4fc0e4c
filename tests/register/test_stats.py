"""Statistics: the year of signature, addenda apart, 1/k apportioning across regions and
areas, and the command's CSV."""

import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from register.demo import load_demo_register
from register.stats import agreement_stats, format_number, value_by_currency
from register.valuation import without_rate
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db


def stats_csv(*args) -> str:
    out = io.StringIO()
    call_command("partnership_stats", *args, stdout=out)
    return out.getvalue()


def test_an_agreement_for_k_regions_counts_one_kth_in_each():
    run_import(
        [
            row(reference="A", regions="AFR;ARB;ASP", areas="cybersecurity;generic"),
            row(reference="B", regions="AFR", areas="cybersecurity"),
        ]
    )
    table = agreement_stats("region")
    (only,) = table.rows
    values = dict(zip(table.codes, only.values, strict=True))
    assert values["AFR"] == Fraction(4, 3)
    assert values["ARB"] == values["ASP"] == Fraction(1, 3)
    assert sum(only.values) == only.total == 2
    areas = dict(
        zip(agreement_stats("area").codes, agreement_stats("area").rows[0].values, strict=True)
    )
    assert areas["cybersecurity"] == Fraction(3, 2) and areas["generic"] == Fraction(1, 2)


def test_each_year_counts_the_agreements_signed_in_it_and_addenda_apart():
    run_import(
        [
            row(reference="A", signed_on="2016-12-31", regions="EUR"),
            row(reference="B", signed_on="2017-01-01", regions="EUR;GLO"),
            row(reference="C", signed_on="2017-06-01", regions="GLO"),
            row(reference="D", signed_on="2017-07-01", agreement_type="addendum", amends="A"),
            row(reference="E", signed_on="", regions="AFR"),  # a draft, not counted
        ]
    )
    assert stats_csv("--by", "region") == (
        "year,AFR,AMS,ARB,ASP,CIS,EUR,GLO,total\n2016,0,0,0,0,0,1,0,1\n2017,0,0,0,0,0,0.5,1.5,2\n"
    )
    assert stats_csv("--by", "type").splitlines()[1:] == [
        "2016,0,0,1,0,0,0,1",
        "2017,0,0,2,0,0,1,3",
    ]


def test_year_bounds_include_empty_years_and_cut_others():
    run_import(
        [row(reference="A", signed_on="2015-05-01"), row(reference="B", signed_on="2018-05-01")]
    )
    lines = stats_csv("--by", "area", "--from", "2016", "--to", "2019").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2016", "2017", "2018", "2019"]
    assert lines[3].endswith(",1") and lines[1].endswith(",0")
    with pytest.raises(CommandError):
        stats_csv("--by", "area", "--from", "2019", "--to", "2016")


def test_numbers_are_written_plainly():
    assert format_number(Fraction(33, 2)) == "16.5"
    assert format_number(Fraction(10)) == "10"
    assert format_number(Fraction(1, 3)) == "0.33"
    assert format_number(Fraction(2, 3)) == "0.67"


def test_values_are_summed_per_year_and_currency_never_across():
    run_import(
        [
            row(reference="A", value="100.50", currency="USD"),
            row(reference="B", value="200", currency="USD"),
            row(reference="C", value="50", currency="CHF"),
            row(reference="D", value="", currency="", contribution="in_kind"),
        ]
    )
    table = value_by_currency()
    assert table.currencies == ["CHF", "USD"]
    assert [str(v) for v in table.rows[0][1]] == ["50.00", "300.50"]


def test_the_demo_register_reproduces_the_seed_report_charts():
    load_demo_register()
    regions = stats_csv("--by", "region", "--from", "2015", "--to", "2018").splitlines()
    assert regions == [
        "year,AFR,AMS,ARB,ASP,CIS,EUR,GLO,total",
        "2015,16.5,9,7,15,3,7.5,10,68",
        "2016,3,4,3,2,1,1,15,29",
        "2017,5,8,3,8,1,2,33,60",
        "2018,4,5,3,7,1,2,21,43",
    ]
    areas = stats_csv("--by", "area").splitlines()
    assert areas[1] == "2015,34,7,1,1,7,3,6,8,1,0,0,68"
    assert areas[3] == "2017,4,2,3,4,8,20,11,5,1,2,0,60"
    types = agreement_stats("type")
    addenda = types.codes.index("addendum")
    assert sum(r.total - r.values[addenda] for r in types.rows) == 200
    assert sum(r.values[addenda] for r in types.rows) == 39
    assert [r.values[addenda] for r in types.rows][-1] == 7  # 2018: 7 addenda
    # Loading the demo again changes nothing.
    assert load_demo_register().created == 0


def test_the_demo_register_s_2018_values_total_usd_10_9_million_as_the_seed_says():
    # The suite records the demo's monthly rates (tests/conftest.py), as `load_demo` does.
    load_demo_register()
    lines = stats_csv("--by", "year", "--value", "--from", "2018", "--to", "2018").splitlines()
    assert lines[0] == "year,CHF,EUR,USD,total_USD,without_rate"
    year, chf, eur, dollars, total, without_rate = lines[1].split(",")
    assert (year, total, without_rate) == ("2018", "10900000.00", "0")  # exact, to the cent
    # Three currencies stated, one total: the francs and euros converted, the dollars as stated.
    assert Decimal(chf) > 0 and Decimal(eur) > Decimal(total) * Decimal("0.5") > 0
    assert Decimal(dollars) < Decimal(total)
    counts = stats_csv("--by", "year", "--from", "2018", "--to", "2018").splitlines()
    assert counts == ["year,new,addenda,total", "2018,43,7,50"]


def test_a_value_without_a_rate_is_left_out_of_the_total_and_counted():
    run_import(
        [
            row(reference="A", value="100.50", currency="USD"),
            row(reference="B", value="200", currency="XAF"),  # no rate recorded for it
        ]
    )
    table = value_by_currency()
    ((year, _values),) = table.rows
    assert table.reporting_total(year) == Decimal("100.50")
    assert table.without_rate == {year: 1}
    assert list(without_rate().values_list("reference", flat=True)) == ["B"]


def test_value_goes_with_by_year_only():
    with pytest.raises(CommandError, match="--value goes with --by year"):
        stats_csv("--by", "region", "--value")
