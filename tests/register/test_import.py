"""Importing the register's CSV: every invalid row kind is rejected with its line and nothing
is stored; a valid file creates, a second import changes nothing, a changed row updates."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from register.choices import Status
from register.models import AgreementPartner, AuditEntry, Partner, PartnershipAgreement, Signatory
from sponsors.models import Organisation
from tests.register.conftest import csv_text, row, run_import

pytestmark = pytest.mark.django_db

INVALID_ROWS = [
    ({"regions": "AFR;XYZ"}, "regions", "unknown region 'XYZ'"),
    ({"areas": "infrastructure;space_travel"}, "areas", "unknown area of action 'space_travel'"),
    ({"signed_on": "2018-02-30"}, "signed_on", "'2018-02-30' is not a possible date"),
    ({"entry_into_force": "30/02/2018"}, "entry_into_force", "not a date in the form YYYY-MM-DD"),
    ({"reference": "AGR-1"}, "reference", "duplicate of line 2"),
    ({"amends": "NOPE-9", "agreement_type": "addendum"}, "amends", "'NOPE-9' matches no agreement"),
    ({"value": "-5000"}, "value", "-5000 is negative"),
    ({"currency": "XYZ"}, "currency", "unknown currency 'XYZ'"),
    ({"agreement_type": "handshake"}, "agreement_type", "unknown agreement type 'handshake'"),
    ({"reference": ""}, "reference", "is required"),
    ({"value": "12,5"}, "value", "is not a number"),
    ({"partner": " ; "}, "partner", "at least one partner is required"),
    ({"regions": ""}, "regions", "at least one region is required"),
    ({"value": "100", "currency": ""}, "currency", "is required when a value is given"),
    ({"amends": "AGR-1"}, "amends", "only an addendum amends"),
]


@pytest.mark.parametrize(("overrides", "column", "reason"), INVALID_ROWS)
def test_each_invalid_row_is_rejected_with_its_line_and_nothing_is_stored(
    overrides, column, reason
):
    good = row(reference="AGR-1")
    bad = row(**{"reference": "AGR-2", **overrides})

    result = run_import([good, bad])

    assert not result.ok
    messages = [str(error) for error in result.errors]
    assert any(m.startswith(f"line 3: {column}: ") and reason in m for m in messages), messages
    assert PartnershipAgreement.objects.count() == 0
    assert Partner.objects.count() == 0


def test_every_error_is_reported_at_once_with_physical_line_numbers():
    rows = [
        row(reference="A", objective="First line\nsecond line of the objective"),
        row(reference="B", regions="MARS"),
        row(reference="C", currency="ABC", value="-1"),
    ]
    result = run_import(rows)
    # Row A spans lines 2-3 (a quoted newline), so B starts on line 4 and C on line 5.
    assert [str(e) for e in result.errors] == [
        "line 4: regions: unknown region 'MARS' (expected AFR, AMS, ARB, ASP, CIS, EUR, GLO)",
        "line 5: value: -1 is negative",
        "line 5: currency: unknown currency 'ABC' (expected an ISO 4217 code)",
    ]


def test_a_wrong_header_is_refused():
    text = "reference,title\nA,B\n"
    result = run_import(text)
    assert [str(e) for e in result.errors][0].startswith("line 1: header: expected exactly")


def test_a_row_with_missing_cells_is_refused():
    text = csv_text([row()]) + "ONLY,THREE,CELLS\n"
    result = run_import(text)
    assert [str(e) for e in result.errors] == ["line 3: row: has 3 cells, expected 14"]


def test_a_valid_file_creates_agreements_with_their_lists_and_audit():
    result = run_import(
        [
            row(reference="A", partner="UNEP;ISWA", regions="GLO;AFR", areas="generic"),
            row(reference="B", agreement_type="addendum", amends="A", signed_on="2018-01-02"),
        ]
    )
    assert result.ok and (result.created, result.updated, result.unchanged) == (2, 0, 0)
    a = PartnershipAgreement.objects.get(reference="A")
    assert [p.name for p in a.partner_list] == ["UNEP", "ISWA"]
    # The row's category is the lead partner's; a co-partner's category stays unknown.
    assert Partner.objects.get(name="UNEP").category == "sector_member"
    assert Partner.objects.get(name="ISWA").category == ""
    assert a.region_codes == ["AFR", "GLO"]
    assert a.value == Decimal("150000.00") and a.currency == "USD"
    assert a.status == Status.IN_FORCE
    b = PartnershipAgreement.objects.get(reference="B")
    assert b.amends == a and b.signed_on == datetime.date(2018, 1, 2)
    created = AuditEntry.objects.get(reference="A")
    assert created.action == "created" and created.source == "import"
    assert created.changes["title"] == [None, "Broadband for schools"]


def test_amends_may_name_an_agreement_already_stored():
    run_import([row(reference="OLD")])
    result = run_import([row(reference="ADD", agreement_type="addendum", amends="OLD")])
    assert result.ok
    assert PartnershipAgreement.objects.get(reference="ADD").amends.reference == "OLD"


def test_circular_amendments_are_refused():
    result = run_import(
        [
            row(reference="X", agreement_type="addendum", amends="Y"),
            row(reference="Y", agreement_type="addendum", amends="X"),
        ]
    )
    assert {e.column for e in result.errors} == {"amends"}
    assert "leads back to this agreement" in str(result.errors[0])


def test_importing_the_same_file_twice_changes_nothing():
    rows = [row(reference=f"R{i}", regions="AFR;EUR") for i in range(5)]
    run_import(rows)
    before = list(PartnershipAgreement.objects.order_by("pk").values_list("pk", "updated_at"))
    links = list(AgreementPartner.objects.order_by("pk").values_list("pk", flat=True))
    audits = AuditEntry.objects.count()

    again = run_import(rows)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert (
        list(PartnershipAgreement.objects.order_by("pk").values_list("pk", "updated_at")) == before
    )
    assert list(AgreementPartner.objects.order_by("pk").values_list("pk", flat=True)) == links
    assert AuditEntry.objects.count() == audits


def test_partner_names_match_whatever_their_case():
    run_import([row(reference="A", partner="Example Telecom")])
    result = run_import([row(reference="A", partner="EXAMPLE  telecom")])
    assert result.unchanged == 1
    assert Partner.objects.count() == 1


def test_a_changed_row_updates_only_the_csv_columns_and_is_audited(officer):
    run_import([row(reference="A"), row(reference="B")])
    a = PartnershipAgreement.objects.get(reference="A")
    a.status, a.expiry = Status.TERMINATED, datetime.date(2020, 1, 1)
    a.save()
    Signatory.objects.create(agreement=a, side="partner", name="Ms Chair", title="CEO")

    result = run_import(
        [
            row(reference="A", title="Broadband for 200 schools", regions="AFR;ASP"),
            row(reference="B"),
        ],
        user=officer,
        update=True,
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    a.refresh_from_db()
    assert a.title == "Broadband for 200 schools" and a.region_codes == ["AFR", "ASP"]
    assert a.status == Status.TERMINATED and a.expiry == datetime.date(2020, 1, 1)
    assert a.signatories.count() == 1
    entry = AuditEntry.objects.filter(reference="A", action="updated").get()
    assert entry.user == officer
    assert entry.changes == {
        "title": ["Broadband for schools", "Broadband for 200 schools"],
        "regions": ["AFR", "AFR;ASP"],
    }


def test_a_dry_run_stores_nothing_but_counts():
    result = run_import([row(reference="A"), row(reference="B")], dry_run=True)
    assert result.ok and result.created == 2 and result.dry_run
    assert PartnershipAgreement.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_a_new_partner_is_linked_to_the_sponsor_organisation_of_the_same_name():
    organisation = Organisation.objects.create(
        legal_name="Example Telecom SA",
        display_name="Example Telecom",
        country="CH",
        category="sector_member",
    )
    run_import([row(partner="Example Telecom")])
    assert Partner.objects.get(name="Example Telecom").organisation == organisation


def test_the_command_prints_each_error_and_exits_non_zero(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text([row(reference="A"), row(reference="B", regions="XX")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_agreements", str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "line 3: regions: unknown region 'XX'" in err.getvalue()
    assert PartnershipAgreement.objects.count() == 0


def test_the_command_imports_and_reports(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(csv_text([row(reference="A")]), encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_agreements", str(path), "--dry-run", stdout=out)
    assert "Dry run: 1 agreements would be created" in out.getvalue()
    assert PartnershipAgreement.objects.count() == 0
    call_command("import_agreements", str(path), stdout=out)
    assert PartnershipAgreement.objects.count() == 1
