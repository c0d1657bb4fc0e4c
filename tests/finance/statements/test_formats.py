"""The three formats, read as banks write them, with their quirks; malformed files refused
with the line or entry and nothing stored."""

import datetime
from decimal import Decimal

import pytest

from marketplace.finance.models import BankStatement, StatementLine
from marketplace.finance.statements.importer import import_statement, parse_file
from marketplace.finance.statements.parsing import StatementError, detect_format
from tests.finance.statements.conftest import IBAN, camt, camt_entry, day

pytestmark = pytest.mark.django_db


def one(data, **kwargs):
    _fmt, statements = parse_file(data, **kwargs)
    assert len(statements) == 1
    return statements[0]


# --- camt.053 ---------------------------------------------------------------------------


def test_camt_batch_entry_becomes_one_line_per_transaction_with_its_own_remittance():
    xml = camt(
        [
            camt_entry(
                "1500.00",
                ref="BATCH-1",
                txs=[
                    {"amount": "1000.00", "ustrd": ["INV-2026-00007"], "debtor": "Acme"},
                    {"amount": "500.00", "strd": ["SP-2026-123456"], "debtor": "Beta SA"},
                ],
            )
        ]
    )
    statement = one(xml)
    assert [(x.amount, x.payer_name, x.bank_reference) for x in statement.lines] == [
        (Decimal("1000.00"), "Acme", "BATCH-1/1"),
        (Decimal("500.00"), "Beta SA", "BATCH-1/2"),
    ]
    assert statement.lines[1].remittance == "SP-2026-123456"


def test_camt_batch_that_does_not_add_up_is_refused():
    xml = camt(
        [camt_entry("1500.00", ref="B-2", txs=[{"amount": "1000.00"}, {"amount": "400.00"}])]
    )
    with pytest.raises(StatementError, match=r"entry 1 \(B-2\).*1400.00.*1500.00"):
        parse_file(xml)


@pytest.mark.parametrize("version", [2, 4, 8, 13])
def test_camt_versions_with_party_names_and_datetime_dates(version):
    entry = camt_entry(
        "250.00",
        ref="V-1",
        ustrd=["first part", "second part"],
        debtor="Ministry of ICT",
        datetime_dates=True,
        name_under_party=version >= 8,
        version=version,
    )
    statement = one(camt([entry], version=version))
    line = statement.lines[0]
    assert line.payer_name == "Ministry of ICT"
    assert line.remittance == "first part\nsecond part"
    assert line.booking_date == datetime.date.fromisoformat(day(1))
    assert statement.iban == IBAN and statement.currency == "CHF"


def test_camt_pending_entries_are_not_lines():
    xml = camt([camt_entry("10.00", ref="P-1", status="PDNG"), camt_entry("20.00", ref="B-1")])
    assert [line.bank_reference for line in one(xml).lines] == ["B-1"]


def test_camt_unknown_version_and_other_messages_are_refused():
    with pytest.raises(StatementError, match="camt.053.001.14"):
        parse_file(camt([camt_entry("1.00", ref="X")], version=14))
    with pytest.raises(StatementError, match="camt.052"):
        parse_file(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"></Document>')


def test_camt_closing_balance_must_add_up():
    with pytest.raises(StatementError, match="closing balance 999.00"):
        parse_file(camt([camt_entry("10.00", ref="X")], closing="999.00"))


def test_camt_missing_balances_are_refused():
    xml = camt([camt_entry("10.00", ref="X")]).replace(b"<Cd>CLBD</Cd>", b"<Cd>ITBD</Cd>")
    with pytest.raises(StatementError, match="no opening or closing balance"):
        parse_file(xml)


def test_camt_entities_are_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(StatementError, match="entities or a DTD"):
        parse_file(bomb, fmt="camt053")


def test_camt_bad_indicator_names_the_entry():
    xml = camt([camt_entry("10.00", ref="X-9")]).replace(
        b"CRDT</CdtDbtInd><Sts>", b"CR</CdtDbtInd><Sts>"
    )
    with pytest.raises(StatementError, match=r"entry 1 \(X-9\).*CdtDbtInd"):
        parse_file(xml)


# --- MT940 ------------------------------------------------------------------------------

MT940 = """{1:F01DEMOCHGGAXXX0000000000}{2:O9400000000000DEMOCHGGXXXX00000000000000000000N}{4:
:20:STMT-0042
:25:DEMOCHGGXXX/CH9300762011623852957
:28C:42/1
:60F:C%(opening)sCHF1000,00
:61:%(d1)s%(e1)sCR4000,00NTRFSP-2026-518136//BANKREF-0001
:86:/ORDP//NAME/ACME LTD/REMI/Sponsorship sp-2026-
518136 thank you
:61:%(d1)s%(e1)sD15,50NCHGNONREF//BANKREF-0002
:86:Charges
:61:%(d1)sRC100,00NTRFNONREF//BANKREF-0003
:86:Reversal of a credit
:62F:C%(d1)sCHF4884,50
-}"""


def mt940_text(**overrides) -> str:
    d1 = datetime.date.fromisoformat(day(1))
    d0 = datetime.date.fromisoformat(day(2))
    values = {
        "opening": d0.strftime("%y%m%d"),
        "d1": d1.strftime("%y%m%d"),
        "e1": d1.strftime("%m%d"),
    }
    values.update(overrides)
    return MT940 % values


def test_mt940_with_funds_code_bank_reference_continuation_and_reversal():
    data = mt940_text().encode()
    assert detect_format(data) == "mt940"
    statement = one(data)
    assert statement.iban == IBAN and statement.statement_id == "STMT-0042"
    credit, charge, reversal = statement.lines
    assert (credit.amount, credit.is_credit, credit.bank_reference) == (
        Decimal("4000.00"),
        True,
        "BANKREF-0001",
    )
    assert "sp-2026-\n518136" in credit.remittance and credit.payer_name == "ACME LTD"
    assert (charge.is_credit, charge.is_charge) == (False, True)
    assert (reversal.is_credit, reversal.is_reversal) == (False, True)
    assert credit.where == "line 6"


def test_mt940_without_an_iban_goes_to_the_account_chosen(bank_pledge):
    text = mt940_text().replace("DEMOCHGGXXX/CH9300762011623852957", "76201162/38529")
    text = text.replace("SP-2026-518136", bank_pledge.reference).replace(
        "sp-2026-\n518136", bank_pledge.reference.lower()
    )
    statement = one(text.encode())
    assert statement.iban == ""
    result = import_statement(text.encode(), file_name="day.sta", actor=None, account=IBAN)
    assert result.summary == "matched 0, partly 1, unallocated 0, duplicates 0, ignored 2"
    assert BankStatement.objects.get().iban == IBAN
    rules = list(StatementLine.objects.order_by("position").values_list("rule", flat=True))
    assert rules == ["part_payment", "bank_charge", "reversal"]


def test_mt940_bad_amount_is_refused_with_its_line_number():
    text = mt940_text().replace("CR4000,00", "CR40x0,00")
    with pytest.raises(StatementError, match="line 6"):
        parse_file(text.encode())
    assert not BankStatement.objects.exists()


def test_mt940_missing_closing_balance_is_refused():
    text = "\n".join(line for line in mt940_text().split("\n") if not line.startswith(":62F:"))
    with pytest.raises(StatementError, match=":62F:"):
        parse_file(text.encode(), fmt="mt940")


def test_mt940_balance_that_does_not_add_up_is_refused():
    with pytest.raises(StatementError, match="closing balance"):
        parse_file(mt940_text().replace("CHF4884,50", "CHF4884,00").encode())


# --- CSV --------------------------------------------------------------------------------

SWISS = (
    "Buchungsdatum;Valuta;Buchungstext;Mitteilung;Auftraggeber;Gutschrift;Belastung;Referenz\n"
    "{d};{d};Zahlung;INV 2026 000 07;Acme Ltd;1'250.00;;ZV-1\n"
    "{d};{d};Gebühren;;;;3.50;ZV-2\n"
)


def test_swiss_csv_profile_with_credit_and_debit_columns():
    d = datetime.date.fromisoformat(day(1)).strftime("%d.%m.%Y")
    statement = one(SWISS.format(d=d).encode(), fmt="csv", profile="swiss_bank")
    credit, debit = statement.lines
    assert (credit.amount, credit.is_credit, credit.currency) == (Decimal("1250.00"), True, "CHF")
    assert credit.remittance == "Zahlung\nINV 2026 000 07" and credit.payer_name == "Acme Ltd"
    assert (debit.amount, debit.is_credit) == (Decimal("3.50"), False)


def test_generic_csv_is_detected_and_imported_for_the_only_account(bank_pledge):
    data = (
        "date,value_date,amount,currency,payer,reference,id\n"
        f"{day(1)},{day(1)},10000.00,CHF,Acme,{bank_pledge.reference},G-1\n"
        f"{day(1)},{day(1)},-20.00,CHF,Printer,Invoice 77,G-2\n"
    ).encode()
    assert detect_format(data) == "csv"
    result = import_statement(data, file_name="export.csv", actor=None)
    assert result.summary == "matched 1, partly 0, unallocated 0, duplicates 0, ignored 1"


def test_eu_csv_with_comma_decimals_and_latin1():
    data = "Date;Value date;Amount;Currency;Counterparty;Description\n".encode("latin-1")
    booked = datetime.date.fromisoformat(day(1))
    row = f"{booked:%d/%m/%Y};;1.234,56;EUR;Société X;Réf SP 2026 000001\n"
    data += row.encode("latin-1")
    line = one(data, fmt="csv", profile="eu_comma").lines[0]
    assert (line.amount, line.currency, line.payer_name) == (Decimal("1234.56"), "EUR", "Société X")


def test_csv_bad_date_names_the_line_and_stores_nothing():
    data = (
        "date,amount,currency,payer,reference,id,value_date\n"
        "2026-12-01,5.00,CHF,,,,\n31/12/2026,5.00,CHF,,,,\n"
    )
    with pytest.raises(StatementError, match=r"line 3: .*31/12/2026"):
        import_statement(data.encode(), file_name="x.csv", actor=None)
    assert not StatementLine.objects.exists()


def test_csv_with_other_columns_or_unknown_profile_is_refused():
    with pytest.raises(StatementError, match="column “date”"):
        parse_file(b"when,how much\n1,2\n", fmt="csv")
    with pytest.raises(StatementError, match="No CSV profile"):
        parse_file(b"a\n", fmt="csv", profile="nope")
    with pytest.raises(StatementError, match="Unknown format"):
        parse_file(b"x", fmt="pdf")
