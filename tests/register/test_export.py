"""Exporting: the import's columns, UTF-8, formula cells neutralised, and a round trip
through an empty register gives back the same agreements and the same statistics."""

import csv
import io

import pytest
from django.core.management import call_command

from register.csvformat import COLUMNS, neutralise, restore
from register.demo import DEMO_CSV
from register.exporting import export_agreements
from register.models import AgreementPartner, Partner, PartnershipAgreement
from register.stats import agreement_stats
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db


def exported() -> str:
    out = io.StringIO()
    export_agreements(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "'=already", "''+x"],
)
def test_formula_cells_are_neutralised_and_restored_exactly(cell):
    safe = neutralise(cell)
    assert safe.startswith("'")
    assert restore(safe) == cell


@pytest.mark.parametrize("cell", ["Plain", "", "'quoted but harmless", "1-2", "a=b"])
def test_other_cells_are_left_alone(cell):
    assert neutralise(cell) == cell
    assert restore(cell) == cell


def test_export_neutralises_a_formula_in_a_title_and_partner():
    run_import(
        [row(reference="F1", title='=cmd|"/c calc"!A1', partner="@evil;+plus", objective="-1")]
    )
    records = list(csv.DictReader(io.StringIO(exported())))
    assert records[0]["title"] == '\'=cmd|"/c calc"!A1'
    assert records[0]["partner"] == "'@evil;+plus"
    assert records[0]["objective"] == "'-1"
    for record in records:
        assert not any(record[c][:1] in ("=", "+", "-", "@", "\t", "\r") for c in COLUMNS)


def test_export_has_the_import_columns_in_order_and_is_utf8(tmp_path):
    run_import([row(reference="Ü-1", partner="Côte d'Ivoire", title="Données ouvertes")])
    path = tmp_path / "out.csv"
    call_command("export_agreements", str(path), stderr=io.StringIO())
    text = path.read_bytes().decode("utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "Côte d'Ivoire" in text and "Données ouvertes" in text


def test_export_to_standard_output():
    run_import([row(reference="A")])
    out = io.StringIO()
    call_command("export_agreements", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(COLUMNS) and lines[1].startswith("A,")


def _register():
    """Every agreement as exported, keyed by reference (the register's content)."""
    return {r["reference"]: r for r in csv.DictReader(io.StringIO(exported()))}


def test_round_trip_gives_back_the_same_register_and_statistics():
    with DEMO_CSV.open(encoding="utf-8", newline="") as stream:
        from register.importing import import_agreements

        assert import_agreements(stream).ok
    run_import(
        [
            row(
                reference="T1",
                title="=1+1",
                partner="+Partner;Other",
                value="",
                currency="",
                contribution="in_kind",
            )
        ]
    )
    register = _register()
    stats = {by: agreement_stats(by).csv_rows() for by in ("region", "area", "type", "category")}
    text = exported()

    AgreementPartner.objects.all().delete()
    PartnershipAgreement.objects.filter(amends__isnull=False).delete()
    PartnershipAgreement.objects.all().delete()
    Partner.objects.all().delete()
    assert PartnershipAgreement.objects.count() == 0

    result = run_import(text)
    assert result.ok, result.errors[:3]
    assert result.created == len(register) == 240
    assert _register() == register
    assert PartnershipAgreement.objects.get(reference="T1").title == "=1+1"
    for by, rows in stats.items():
        assert agreement_stats(by).csv_rows() == rows
