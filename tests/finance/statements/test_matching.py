"""Each matching rule, one by one, on camt.053 lines for Acme's CHF 10,000 pledge."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import (
    BankStatement,
    JournalEntry,
    PaymentAcknowledgement,
    Receipt,
    StatementLine,
    UnallocatedTransfer,
)
from marketplace.finance.statements.importer import import_statement
from marketplace.finance.statements.parsing import StatementError
from marketplace.finance.statements.references import find_references
from marketplace.payments.bank import record_transfer
from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Flag, FlagKind, Payment
from marketplace.pledges.states import PledgeState
from tests.factories import make_sponsor, pledge_for
from tests.finance.statements.conftest import OTHER_IBAN, camt, camt_entry, day

pytestmark = pytest.mark.django_db


def run(xml, user=None):
    return import_statement(xml, file_name="stmt.xml", actor=user)


def only_line():
    return StatementLine.objects.get()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inv 2026 - 000 12", ["INV-2026-00012"]),
        ("sp-2026-\n518136", ["SP-2026-518136"]),
        ("Invoice INV-2026-00012 and SP 2026 518136", ["INV-2026-00012", "SP-2026-518136"]),
        ("payment for gsr sponsorship", []),
    ],
)
def test_references_are_found_in_any_case_with_spaces_dashes_and_breaks(text, expected):
    assert find_references(text) == expected


def test_amount_equal_to_what_is_due_pays_the_pledge_and_issues_the_receipt(bank_pledge, sponsor):
    invoice = request_invoice(bank_pledge, user=sponsor[0])
    number = invoice.number.lower().replace("-", " - ")  # "inv - 2026 - 00001"
    result = run(camt([camt_entry("10000.00", ref="BR-1", ustrd=[number], debtor="ACME LTD")]))
    assert result.summary == "matched 1, partly 0, unallocated 0, duplicates 0, ignored 0"
    line = only_line()
    assert (line.state, line.rule, line.invoice) == ("matched", "amount_due", invoice)
    bank_pledge.refresh_from_db()
    assert bank_pledge.status == PledgeState.PAID
    payment = Payment.objects.get(pledge=bank_pledge)
    assert (payment.amount, payment.bank_reference, line.payment) == (
        Decimal("10000.00"),
        "BR-1",
        payment,
    )
    assert Receipt.objects.filter(pledge=bank_pledge).count() == 1


def test_pledge_reference_split_over_remittance_lines_still_matches(bank_pledge):
    year, digits = bank_pledge.reference.split("-")[1:]
    lines = [f"Sponsorship sp-{year}-", f"{digits[:3]} {digits[3:]}"]
    run(camt([camt_entry("10000.00", ref="BR-2", ustrd=lines)]))
    assert only_line().pledge == bank_pledge
    assert only_line().state == "matched"


def test_less_than_due_is_a_part_payment_acknowledged(bank_pledge):
    result = run(camt([camt_entry("4000.00", ref="BR-3", strd=[bank_pledge.reference])]))
    assert result.summary == "matched 0, partly 1, unallocated 0, duplicates 0, ignored 0"
    assert (only_line().state, only_line().rule) == ("partly_matched", "part_payment")
    bank_pledge.refresh_from_db()
    assert bank_pledge.status == PledgeState.HELD  # still held, waiting for the rest
    assert PaymentAcknowledgement.objects.filter(pledge=bank_pledge).count() == 1
    assert not Receipt.objects.filter(pledge=bank_pledge).exists()


def test_more_than_due_is_recorded_and_flagged_as_overpayment(bank_pledge):
    run(camt([camt_entry("10500.00", ref="BR-4", ustrd=[bank_pledge.reference])]))
    assert (only_line().state, only_line().rule) == ("matched", "overpayment")
    bank_pledge.refresh_from_db()
    assert bank_pledge.status == PledgeState.PAID
    flag = Flag.objects.get(kind=FlagKind.OVERPAYMENT)
    assert "500" in flag.message and flag.pledge == bank_pledge


def test_other_currency_goes_to_unallocated_with_a_flag(bank_pledge):
    run(camt([camt_entry("10000.00", ref="BR-5", ustrd=[bank_pledge.reference], currency="EUR")]))
    line = only_line()
    assert (line.state, line.rule, line.pledge) == ("unallocated", "other_currency", bank_pledge)
    assert line.transfer.currency == "EUR" and line.transfer.amount == Decimal("10000.00")
    assert Flag.objects.get(kind=FlagKind.CURRENCY_MISMATCH).pledge == bank_pledge
    assert not Payment.objects.filter(pledge=bank_pledge).exists()


def test_no_reference_goes_to_unallocated(bank_pledge):
    run(camt([camt_entry("10000.00", ref="BR-6", ustrd=["GSR sponsorship"], debtor="Acme")]))
    line = only_line()
    assert (line.state, line.rule) == ("unallocated", "no_reference")
    transfer = UnallocatedTransfer.objects.get()
    assert (transfer.bank_reference, transfer.payer_name, transfer.amount) == (
        "BR-6",
        "Acme",
        Decimal("10000.00"),
    )
    assert JournalEntry.objects.filter(source=f"unallocated:{transfer.pk}").exists()


def test_an_unknown_reference_is_unallocated_and_says_so(bank_pledge):
    run(camt([camt_entry("10000.00", ref="BR-7", ustrd=["SP-2020-000001"])]))
    assert only_line().rule == "no_reference"
    assert "SP-2020-000001" in only_line().note


def test_two_pledges_named_wait_for_finance_to_split(bank_pledge, package):
    other = pledge_for(make_sponsor(name="Beta"), package, quantity=1)
    text = f"{bank_pledge.reference} {other.reference}"
    run(camt([camt_entry("15000.00", ref="BR-8", ustrd=[text])]))
    assert (only_line().state, only_line().rule) == ("unallocated", "several_references")


def test_outgoing_charge_and_reversal_are_ignored(bank_pledge):
    result = run(
        camt(
            [
                camt_entry("250.00", credit=False, ref="OUT-1", ustrd=["Catering GSR"]),
                camt_entry("12.50", credit=False, ref="CHG-1", family="CHRG"),
                camt_entry("900.00", credit=False, ref="RV-1", reversal=True),
            ]
        )
    )
    assert result.summary == "matched 0, partly 0, unallocated 0, duplicates 0, ignored 3"
    rules = list(StatementLine.objects.order_by("position").values_list("state", "rule"))
    assert rules == [("ignored", "outgoing"), ("ignored", "bank_charge"), ("ignored", "reversal")]
    assert not Payment.objects.exists() and not UnallocatedTransfer.objects.exists()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            BankStatement,
            StatementLine,
            Payment,
            UnallocatedTransfer,
            JournalEntry,
            Receipt,
            Flag,
        )
    }


def test_reimporting_a_file_changes_nothing(bank_pledge):
    xml = camt(
        [
            camt_entry("4000.00", ref="BR-9", ustrd=[bank_pledge.reference]),
            camt_entry("77.00", ustrd=["no ref, no bank reference"], debtor="Someone"),
            camt_entry("30.00", credit=False, ref="OUT-9"),
        ]
    )
    first = run(xml)
    assert first.summary == "matched 0, partly 1, unallocated 1, duplicates 0, ignored 1"
    before = counts()
    again = run(xml)
    assert again.summary == "matched 0, partly 0, unallocated 0, duplicates 3, ignored 0"
    assert not again.stored
    assert counts() == before


def test_overlapping_statement_stores_only_the_new_lines_and_marks_the_rest(bank_pledge):
    run(camt([camt_entry("4000.00", ref="BR-10", ustrd=[bank_pledge.reference])]))
    later = camt(
        [
            camt_entry("4000.00", ref="BR-10", ustrd=[bank_pledge.reference]),
            camt_entry("6000.00", ref="BR-11", ustrd=[bank_pledge.reference]),
        ],
        stmt_id="STMT-2",
    )
    result = run(later)
    assert result.summary == "matched 1, partly 0, unallocated 0, duplicates 1, ignored 0"
    duplicate = StatementLine.objects.get(state="duplicate")
    assert duplicate.rule == "bank_reference_seen"
    assert duplicate.duplicate_of.statement.statement_id == "STMT-1"
    assert Payment.objects.filter(pledge=bank_pledge).count() == 2


def test_a_transfer_finance_recorded_by_hand_is_a_duplicate(bank_pledge):
    record_transfer(
        bank_pledge,
        amount="10000",
        currency="CHF",
        value_date=bank_pledge.created_at.date(),
        bank_reference="BR-12",
        actor=None,
    )
    result = run(camt([camt_entry("10000.00", ref="BR-12", ustrd=[bank_pledge.reference])]))
    assert result.summary.endswith("duplicates 1, ignored 0")
    assert Payment.objects.filter(pledge=bank_pledge).count() == 1


def test_statement_for_another_iban_is_refused_naming_it(bank_pledge):
    before = counts()
    with pytest.raises(StatementError) as refused:
        run(
            camt(
                [camt_entry("10000.00", ref="X-1", ustrd=[bank_pledge.reference])], iban=OTHER_IBAN
            )
        )
    assert OTHER_IBAN in refused.value.message
    assert counts() == before


def test_refused_file_leaves_nothing_even_after_good_lines(bank_pledge):
    before = counts()
    xml = camt(
        [
            camt_entry("10000.00", ref="OK-1", ustrd=[bank_pledge.reference]),
            camt_entry("12,5O", ref="BAD-2"),
        ],
        closing="11000.00",
    )
    with pytest.raises(StatementError) as refused:
        run(xml)
    assert "entry 2" in refused.value.message and "12,5O" in refused.value.message
    assert counts() == before


def test_a_failure_while_matching_rolls_back_the_lines_already_recorded(bank_pledge, monkeypatch):
    from marketplace.finance.statements import matching

    calls = []

    def failing_unallocated(*args, **kwargs):
        calls.append(1)
        raise PaymentError("bank is down", field="amount")

    monkeypatch.setattr(matching, "record_unallocated", failing_unallocated)
    before = counts()
    with pytest.raises(StatementError):
        run(
            camt(
                [
                    camt_entry("10000.00", ref="OK-3", ustrd=[bank_pledge.reference]),
                    camt_entry("5.00", ref="NOREF-4", ustrd=["?"]),
                ]
            )
        )
    assert calls and counts() == before
    bank_pledge.refresh_from_db()
    assert bank_pledge.status != PledgeState.PAID


def test_command_prints_the_summary_and_refuses_with_the_reason(bank_pledge, tmp_path, capsys):
    good = tmp_path / "camt.xml"
    good.write_bytes(
        camt(
            [
                camt_entry("10000.00", ref="C-1", ustrd=[bank_pledge.reference]),
                camt_entry("20.00", credit=False, ref="C-2"),
            ]
        )
    )
    call_command("import_bank_statement", str(good))
    assert capsys.readouterr().out.strip() == (
        "matched 1, partly 0, unallocated 0, duplicates 0, ignored 1"
    )
    statement = BankStatement.objects.get()
    assert statement.file_name == "camt.xml" and len(statement.file_sha256) == 64
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Document><Stmt>")
    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_bank_statement", str(bad))
    with pytest.raises(CommandError, match="Unknown format|no header|missing"):
        call_command("import_bank_statement", str(good), "--format", "csv")
    assert BankStatement.objects.count() == 1
    assert day(0)
