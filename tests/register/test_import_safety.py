"""Import safety: every error in one pass, bounded memory, refused overwrites and impossible
values (issue 9 item 9, issue 13 item 1)."""

import datetime
import io
import tracemalloc

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from register.csvformat import COLUMNS
from register.importing import import_agreements
from register.models import PartnershipAgreement
from tests.register.conftest import csv_text, row, run_import

pytestmark = pytest.mark.django_db


def test_amends_errors_come_with_the_other_errors_in_one_pass():
    result = run_import(
        [
            row(reference="A", title=""),
            row(reference="ADD", agreement_type="addendum", amends="NOWHERE"),
        ]
    )
    assert [str(e) for e in result.errors] == [
        "line 2: title: is required",
        "line 3: amends: 'NOWHERE' matches no agreement in the file or the register",
    ]


def test_errors_stop_being_kept_after_200_and_the_rest_are_counted(tmp_path):
    rows = [row(reference=f"R{i}", currency="XTS") for i in range(250)]
    result = run_import(rows)
    assert len(result.errors) == 200 and result.more_errors == 50
    assert result.errors[0].line == 2 and result.errors[-1].line == 201
    assert result.error_lines()[-1] == "and 50 more"

    path = tmp_path / "bad.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="250 error"):
        call_command("import_agreements", str(path), stderr=stderr)
    printed = stderr.getvalue().splitlines()
    assert len(printed) == 201 and printed[-1] == "and 50 more"


def _bad_rows(count):
    """A generated CSV of `count` rows, each with three errors, read as a stream."""
    yield ",".join(COLUMNS) + "\r\n"
    for i in range(count):
        yield (
            f"REF/{i},Title {i},Partner {i % 50},nonsense,mou,2018-02-30,,abc,XXX,cash,"
            "AFR,infrastructure,,\r\n"
        )


class _Lines(io.TextIOBase):
    def __init__(self, lines):
        self._lines = iter(lines)

    def readable(self):
        return True

    def __iter__(self):
        return self._lines

    def __next__(self):
        return next(self._lines)


def test_a_file_of_200000_bad_rows_is_checked_in_bounded_memory():
    tracemalloc.start()
    try:
        result = import_agreements(_Lines(_bad_rows(200_000)))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.errors) == 200
    assert result.error_count == 200_000 * 4
    # The rows and their 800,000 errors would take hundreds of MB; the references seen (for
    # duplicates) are all that grows with the file.
    assert peak < 60 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert not PartnershipAgreement.objects.exists()


def test_an_existing_reference_that_differs_is_refused_without_update():
    run_import([row(reference="BDT/2018/001", signed_on="2018-02-01")])
    changed = row(
        reference="bdt / 2018 / 001",
        title="Another title",
        partner="Another partner",
        signed_on="2018-03-01",
    )
    result = run_import([changed])
    assert [str(e) for e in result.errors] == [
        "line 2: reference: BDT/2018/001 exists (title, partner, signed_on, entry_into_force "
        "differ)"
    ]
    assert PartnershipAgreement.objects.get().title == "Broadband for schools"

    result = run_import([changed], dry_run=True, update=True)
    assert result.ok and result.updated == 1
    (update,) = result.updates
    assert update.reference == "BDT/2018/001" and update.line == 2
    assert ("title", "Broadband for schools", "Another title") in update.changes
    assert ("signed_on", "2018-02-01", "2018-03-01") in update.changes
    assert PartnershipAgreement.objects.get().title == "Broadband for schools"

    assert run_import([changed], update=True).updated == 1
    stored = PartnershipAgreement.objects.get()
    assert stored.reference == "BDT/2018/001" and stored.title == "Another title"


def test_the_same_row_again_is_unchanged_not_an_error():
    run_import([row(reference="BDT/2018/001")])
    result = run_import([row(reference="BDT/2018/001")])
    assert result.ok and result.unchanged == 1


def test_references_differing_in_case_and_spaces_are_duplicates_in_a_file():
    result = run_import([row(reference="BDT/2018/001"), row(reference="bdt / 2018 / 001")])
    assert [str(e) for e in result.errors] == ["line 3: reference: duplicate of line 2"]


def test_amends_matches_a_reference_whatever_its_case_and_spaces():
    run_import([row(reference="BDT/2018/001")])
    result = run_import([row(reference="ADD-1", agreement_type="addendum", amends="bdt/2018/ 001")])
    assert result.ok, result.errors
    assert PartnershipAgreement.objects.get(reference="ADD-1").amends.reference == "BDT/2018/001"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"signed_on": "2099-01-01"},
            "line 2: signed_on: 2099-01-01 is in the future",
        ),
        (
            {"signed_on": "2018-05-01", "entry_into_force": "2018-04-30"},
            "line 2: entry_into_force: 2018-04-30 is before the signature (2018-05-01)",
        ),
        (
            {"contribution": "cash", "value": "", "currency": ""},
            "line 2: value: is required for a cash contribution",
        ),
        (
            {"currency": "XXX"},
            "line 2: currency: 'XXX' is an ISO 4217 code but not money (a metal, unit of "
            "account or test code): give the currency the value is paid in",
        ),
    ],
)
def test_impossible_values_are_refused_with_their_line(overrides, expected):
    result = run_import([row(**overrides)])
    assert [str(e) for e in result.errors] == [expected]
    assert not PartnershipAgreement.objects.exists()


@pytest.mark.parametrize("code", ["XTS", "XAU", "XDR", "USN"])
def test_iso_codes_that_are_not_money_are_refused(code):
    result = run_import([row(currency=code)])
    assert [e.column for e in result.errors] == ["currency"]


def test_real_currencies_with_an_x_code_are_accepted():
    assert run_import([row(reference="A", currency="XOF"), row(reference="B", currency="XAF")]).ok


def test_the_command_needs_update_to_overwrite_and_shows_the_diff_on_a_dry_run(tmp_path):
    run_import([row(reference="BDT/2018/001", signed_on="2018-02-01")])
    path = tmp_path / "changed.csv"
    path.write_text(
        csv_text([row(reference="BDT/2018/001", title="New title", signed_on="2018-02-01")])
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_agreements", str(path), stderr=stderr)
    assert "line 2: reference: BDT/2018/001 exists (title differ)" in stderr.getvalue()

    stdout = io.StringIO()
    call_command("import_agreements", str(path), "--dry-run", "--update", stdout=stdout)
    assert "line 2: BDT/2018/001 would change:" in stdout.getvalue()
    assert "title: 'Broadband for schools' -> 'New title'" in stdout.getvalue()
    assert PartnershipAgreement.objects.get().title == "Broadband for schools"

    call_command("import_agreements", str(path), "--update", stdout=io.StringIO())
    assert PartnershipAgreement.objects.get().title == "New title"


def test_today_is_not_the_future():
    today = datetime.date.today().isoformat()
    assert run_import([row(signed_on=today)]).ok


def test_the_admin_form_rules_match_the_import():
    from django.core.exceptions import ValidationError

    run_import([row(reference="BDT/2018/001")])
    agreement = PartnershipAgreement(
        reference="bdt / 2018 / 001",
        title="T",
        partner_category="academia",
        agreement_type="mou",
        signed_on=datetime.date(2099, 1, 1),
        entry_into_force=datetime.date(2098, 1, 1),
        contribution="cash",
    )
    with pytest.raises(ValidationError) as caught:
        agreement.full_clean(exclude=["search_document"])
    assert set(caught.value.message_dict) == {
        "reference",
        "signed_on",
        "entry_into_force",
        "value",
    }
    assert "BDT/2018/001" in caught.value.message_dict["reference"][0]
