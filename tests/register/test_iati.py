"""`manage.py export_iati` writes IATI 2.03 activities valid against the official schema
(vendored in tests/register/iati/, see its LICENCE.md)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from register.demo import load_demo_register
from register.iati import SECTORS, shares
from register.models import PartnershipAgreement
from tests.register.conftest import row, run_import

pytestmark = pytest.mark.django_db
SCHEMA_DIR = Path(__file__).with_name("iati")


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def _export(tmp_path):
    path = tmp_path / "activities.xml"
    out = io.StringIO()
    call_command("export_iati", str(path), stdout=out)
    return etree.parse(str(path)), out.getvalue()


def test_the_export_is_valid_iati_2_03_with_the_agreements_facts(tmp_path, schema):
    run_import(
        [
            row(
                reference="BDT/2018/001",
                title="Broadband",
                partner="Rwanda;Example Telecom",
                partner_category="member_state",
                regions="AFR;ARB;ASP",
                areas="infrastructure;enabling_environment",
                signed_on="2018-02-01",
                entry_into_force="2018-03-01",
                value="1200000",
                currency="USD",
            ),
            row(
                reference="BDT/2018/002",
                title="Addendum",
                agreement_type="addendum",
                amends="BDT/2018/001",
                signed_on="2018-06-01",
                value="",
                currency="",
                contribution="none",
            ),
            row(reference="SECRET", title="Not published", signed_on="2018-01-01"),
        ]
    )
    PartnershipAgreement.objects.exclude(reference="SECRET").update(publishable=True)
    document, printed = _export(tmp_path)
    schema.assertValid(document)
    assert printed.strip().endswith(
        "2 IATI activities written to " + str(tmp_path / "activities.xml") + "."
    )

    root = document.getroot()
    assert root.get("version") == "2.03"
    first, second = root.findall("iati-activity")
    assert first.findtext("iati-identifier") == "XI-IATI-BDT-BDT-2018-001"
    assert first.find("reporting-org").get("ref") == "XI-IATI-BDT"
    roles = [(o.findtext("narrative"), o.get("role")) for o in first.findall("participating-org")]
    assert ("Rwanda", "1") in roles and ("Example Telecom", "1") in roles
    assert [(r.get("code"), r.get("percentage")) for r in first.findall("recipient-region")] == [
        ("298", "33.33"),
        ("589", "33.33"),
        ("798", "33.34"),
    ]
    assert {s.get("code") for s in first.findall("sector")} == {"22020", "22010"}
    dates = {d.get("type"): d.get("iso-date") for d in first.findall("activity-date")}
    assert dates == {"2": "2018-03-01"}
    value = first.find("transaction/value")
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "1200000.00",
        "USD",
        "2018-02-01",
    )
    assert first.find("transaction/transaction-type").get("code") == "11"
    assert second.find("related-activity").get("ref") == "XI-IATI-BDT-BDT-2018-001"
    assert "Not published" not in etree.tostring(root).decode()


def test_the_demo_register_exports_valid_iati(tmp_path, schema):
    load_demo_register()
    document, _printed = _export(tmp_path)
    schema.assertValid(document)
    assert len(document.getroot()) == PartnershipAgreement.objects.count()


def test_a_broken_activity_fails_the_schema(schema):
    """The vendored schema really checks: an activity without its reporting org is refused."""
    broken = etree.fromstring(
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>X-1</iati-identifier>'
        b"</iati-activity></iati-activities>"
    )
    assert not schema.validate(broken)


def test_shares_add_up_to_100_and_every_area_has_a_sector():
    assert sum(share for _code, share in shares(["a", "b", "c"])) == 100
    from register.choices import AreaOfAction

    assert set(SECTORS) == set(AreaOfAction.values)
