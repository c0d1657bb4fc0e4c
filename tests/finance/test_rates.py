"""Rates of exchange and the reporting currency (issue 15, items 4–5): the rate in force on a
day, valuing payments, documents and ledger lines with it, the flag when it is missing and the
values filled in once it is recorded, the CSV import's refusals, and the finance overview in
the budget and the reporting currency.

Most tests here start with no rates (`without_rates`) and record exactly the ones they need."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from marketplace.finance import dashboard
from marketplace.finance.invoices import request_invoice
from marketplace.finance.models import JournalEntry, PaymentAcknowledgement, Receipt
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.finance.rates import ExchangeRate, RateBook, rate_on, reporting_legs
from marketplace.payments.bank import record_transfer
from marketplace.payments.models import Flag, FlagKind
from register.access import PARTNERSHIP_OFFICERS
from tests.register.conftest import make_user

D = Decimal
day = datetime.date
OCT, NOV, DEC = day(2026, 10, 1), day(2026, 11, 1), day(2026, 12, 1)
SOURCE = "UN operational rate of exchange"


def record(currency, per_usd, start, end, source=SOURCE):
    return ExchangeRate.objects.create(
        currency=currency, per_usd=D(per_usd), valid_from=start, valid_to=end, source=source
    )


def monthly_chf():
    """October 0.80, November 0.78, and from December on 0.79 (open to the end of the
    century, so "today" always has a rate)."""
    record("CHF", "0.80", OCT, day(2026, 10, 31))
    record("CHF", "0.78", NOV, day(2026, 11, 30))
    record("CHF", "0.79", DEC, day(2099, 12, 31))


def usd(amount, per_usd):
    rate = (D(1) / D(per_usd)).quantize(D("1e-12"), rounding=ROUND_HALF_UP)
    return (D(amount) * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def transfer(pledge, amount, reference, value_date):
    payment, _outcome = record_transfer(
        pledge,
        amount=amount,
        currency=pledge.currency,
        value_date=value_date,
        bank_reference=reference,
        actor=None,
    )
    payment.refresh_from_db()
    return payment


def write_csv(tmp_path, text, name="rates.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


HEADER = "currency,per_usd,valid_from,valid_to,source\n"


# --- The rate in force ------------------------------------------------------------------


@pytest.mark.without_rates
@pytest.mark.django_db
def test_the_rate_in_force_is_the_one_whose_period_holds_the_day_edges_included():
    monthly_chf()
    assert rate_on("CHF", day(2026, 10, 31)).per_usd == D("0.80")  # October's last day
    assert rate_on("CHF", NOV).per_usd == D("0.78")  # November's first
    assert rate_on("CHF", day(2026, 11, 30)).per_usd == D("0.78")
    assert rate_on("CHF", day(2026, 9, 30)) is None  # before any rate
    assert rate_on("EUR", NOV) is None


@pytest.mark.without_rates
@pytest.mark.django_db
def test_two_other_currencies_convert_through_the_dollar():
    record("CHF", "0.80", OCT, day(2026, 10, 31))
    record("EUR", "0.92", OCT, day(2026, 10, 31), source="ECB-shaped test source")
    valuation = RateBook().value(D("1000.00"), "EUR", day(2026, 10, 15), into="CHF")
    # 1000 EUR = 1000 / 0.92 USD = 1000 × 0.80 / 0.92 CHF
    assert valuation.rate == (D("0.80") / D("0.92")).quantize(D("1e-12"), ROUND_HALF_UP)
    assert valuation.amount == D("869.57")
    assert valuation.rate_date == OCT
    assert valuation.source == f"ECB-shaped test source; {SOURCE}"
    assert RateBook().value(D("5"), "USD", day(2026, 10, 15)).amount == D("5.00")
    assert RateBook().value(D("5"), "EUR", day(2026, 11, 2)) is None  # no EUR rate then


@pytest.mark.without_rates
def test_a_payment_between_two_monthly_rates_is_valued_at_the_one_in_force(bank_pledge):
    monthly_chf()
    payment = transfer(bank_pledge, "4000", "BANK-R-1", day(2026, 11, 15))
    assert payment.reporting_currency == "USD"
    assert payment.reporting_rate == D("1.282051282051")  # 1 / 0.78, November's
    assert payment.reporting_amount == usd("4000", "0.78") == D("5128.21")
    assert payment.reporting_rate_date == NOV and payment.reporting_rate_source == SOURCE
    entry = JournalEntry.objects.get(source=f"payment:{payment.pk}")
    assert entry.reporting_rate == payment.reporting_rate and entry.reporting_rate_date == NOV
    assert [(line.reporting_debit, line.reporting_credit) for line in entry.lines.all()] == [
        (D("5128.21"), D("0.00")),
        (D("0.00"), D("5128.21")),
    ]
    # On the last day of October the October rate applies, on the first of November November's.
    edge = transfer(bank_pledge, "1000", "BANK-R-2", day(2026, 10, 31))
    assert edge.reporting_amount == usd("1000", "0.80") == D("1250.00")
    assert edge.reporting_rate_date == OCT
    assert not Flag.objects.filter(kind=FlagKind.MISSING_RATE).exists()


@pytest.mark.without_rates
def test_documents_are_valued_on_the_day_they_are_issued(bank_pledge):
    monthly_chf()
    transfer(bank_pledge, "10000", "BANK-R-3", day(2026, 11, 20))
    receipt = Receipt.objects.get(pledge=bank_pledge)
    today_rate = rate_on("CHF", receipt.issued_at)
    assert receipt.reporting_amount == usd("10000", today_rate.per_usd)
    assert receipt.reporting_rate_date == today_rate.valid_from


# --- A missing rate ---------------------------------------------------------------------


@pytest.mark.without_rates
def test_a_missing_rate_raises_a_flag_stores_no_value_and_fills_in_once_imported(
    bank_pledge, tmp_path, capsys
):
    payment = transfer(bank_pledge, "4000", "BANK-M-1", day(2026, 11, 15))
    assert payment.reporting_amount is None and payment.reporting_rate is None
    assert payment.reporting_currency == ""  # never a silent 1.0
    entry = JournalEntry.objects.get(source=f"payment:{payment.pk}")
    assert entry.reporting_amount is None
    assert all(line.reporting_debit is None for line in entry.lines.all())
    flag = Flag.objects.get(key="missing_rate:CHF:USD:2026-11-15")
    assert flag.kind == FlagKind.MISSING_RATE and flag.resolved_at is None
    assert "No rate of exchange CHF → USD in force on 2026-11-15" in flag.message
    acknowledgement = PaymentAcknowledgement.objects.get(payment=payment)  # issued today
    assert acknowledgement.reporting_amount is None

    # November's rate only: the payment fills in, today's acknowledgement still waits.
    call_command(
        "import_exchange_rates",
        write_csv(tmp_path, HEADER + f"CHF,0.78,2026-11-01,2026-11-30,{SOURCE}\n"),
    )
    assert "1 rates imported, 0 unchanged" in capsys.readouterr().out
    payment.refresh_from_db()
    assert payment.reporting_amount == D("5128.21") and payment.reporting_rate_date == NOV
    entry = JournalEntry.objects.get(pk=entry.pk)
    assert entry.reporting_amount == D("5128.21")
    assert sorted(line.reporting_debit for line in entry.lines.all()) == [D("0"), D("5128.21")]
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    acknowledgement = PaymentAcknowledgement.objects.get(pk=acknowledgement.pk)
    assert acknowledgement.reporting_amount is None
    assert Flag.objects.filter(kind=FlagKind.MISSING_RATE, resolved_at__isnull=True).exists()

    # The catch-up command finds nothing more to do without a new rate, then the rest.
    call_command("apply_exchange_rates")
    out = capsys.readouterr().out
    assert "still without a rate: payment acknowledgements 1" in out
    record("CHF", "0.79", DEC, day(2099, 12, 31))
    call_command("apply_exchange_rates")
    assert "still without a rate: none" in capsys.readouterr().out
    assert not Flag.objects.filter(kind=FlagKind.MISSING_RATE, resolved_at__isnull=True).exists()


# --- Importing rates --------------------------------------------------------------------


@pytest.mark.without_rates
@pytest.mark.django_db
def test_a_bad_file_is_refused_whole_with_each_line_and_reason(tmp_path, capsys):
    text = HEADER + (
        f"CHF,0.80,2026-10-01,2026-10-31,{SOURCE}\n"  # 2: fine, but not stored either
        f"XYZ,1.5,2026-10-01,2026-10-31,{SOURCE}\n"  # 3: not a currency
        f'EUR,"0,92",2026-10-01,2026-10-31,{SOURCE}\n'  # 4: decimal comma
        f"GBP,0.75,2026-10-31,2026-10-01,{SOURCE}\n"  # 5: ends before it starts
        f"JPY,150,2026-10-01,2026-10-31,{SOURCE}\n"  # 6: fine
        f"JPY,151,2026-10-15,2026-11-14,{SOURCE}\n"  # 7: overlaps line 6 at another figure
        f"USD,1,2026-10-01,2026-10-31,{SOURCE}\n"  # 8: the base
        f"RUB,-3,2026-10-01,2026-10-31,{SOURCE}\n"  # 9: not positive
    )
    with pytest.raises(CommandError, match="nothing was stored"):
        call_command("import_exchange_rates", write_csv(tmp_path, text))
    err = capsys.readouterr().err
    assert "line 3: “XYZ” is not an ISO 4217 currency code." in err
    assert "line 4: per_usd “0,92” is not a positive decimal number." in err
    assert "line 5: valid_to 2026-10-01 is before valid_from 2026-10-31." in err
    assert "line 7: JPY 2026-10-15–2026-11-14 overlaps line 6 of the file." in err
    assert "line 8: The US dollar is the base" in err
    assert "line 9: per_usd “-3” is not a positive decimal number." in err
    assert "line 2:" not in err and "line 6:" not in err
    assert ExchangeRate.objects.count() == 0


@pytest.mark.without_rates
@pytest.mark.django_db
def test_re_importing_is_a_no_op_and_a_different_overlapping_rate_is_refused(tmp_path, capsys):
    path = write_csv(
        tmp_path,
        HEADER
        + f"CHF,0.80,2026-10-01,2026-10-31,{SOURCE}\nCHF,0.78,2026-11-01,2026-11-30,{SOURCE}\n",
    )
    call_command("import_exchange_rates", path)
    call_command("import_exchange_rates", path)
    assert "0 rates imported, 2 unchanged." in capsys.readouterr().out.splitlines()[-1]
    assert ExchangeRate.objects.count() == 2
    other = write_csv(tmp_path, HEADER + f"CHF,0.81,2026-10-20,2026-11-19,{SOURCE}\n", "b.csv")
    with pytest.raises(CommandError):
        call_command("import_exchange_rates", other)
    assert "line 2: CHF 2026-10-20–2026-11-19 overlaps the stored rate CHF 0.800000" in (
        capsys.readouterr().err
    )
    assert ExchangeRate.objects.count() == 2


@pytest.mark.without_rates
@pytest.mark.django_db
def test_a_rate_typed_in_is_checked_like_an_imported_one():
    record("CHF", "0.80", OCT, day(2026, 10, 31))
    overlapping = ExchangeRate(
        currency="chf", per_usd=D("0.9"), valid_from=day(2026, 10, 31), valid_to=NOV, source="x"
    )
    with pytest.raises(Exception) as refused:
        overlapping.full_clean()
    assert "overlaps the rate CHF 0.800000" in str(refused.value)


# --- The ledger in the reporting currency ------------------------------------------------


def test_an_entry_s_reporting_debits_equal_its_credits_whatever_the_rounding():
    legs = [(D("10.01"), D("0")), (D("0"), D("3.34")), (D("0"), D("3.34")), (D("0"), D("3.33"))]
    rate = D("1.555555555556")
    naive = [((d * rate).quantize(D("0.01")), (c * rate).quantize(D("0.01"))) for d, c in legs]
    assert sum(d for d, _c in naive) != sum(c for _d, c in naive)  # the trap is real
    split = reporting_legs(legs, rate)
    assert sum(d for d, _c in split) == sum(c for _d, c in split) == D("15.57")


def test_every_entry_of_a_pledge_s_life_carries_consistent_reporting_amounts(bank_pledge):
    # The suite's standing rates (the demo's) value everything.
    transfer(bank_pledge, "4000", "BANK-L-1", day(2026, 11, 15))
    transfer(bank_pledge, "6000", "BANK-L-2", day(2026, 12, 1))
    entries = list(JournalEntry.objects.prefetch_related("lines"))
    assert len(entries) >= 3  # invoice or sale, two payments
    for entry in entries:
        lines = list(entry.lines.all())
        assert entry.reporting_currency == "USD" and entry.reporting_rate is not None
        debits = sum(line.reporting_debit for line in lines)
        assert debits == sum(line.reporting_credit for line in lines) == entry.reporting_amount
        assert entry.reporting_amount == (
            sum(line.debit for line in lines) * entry.reporting_rate
        ).quantize(D("0.01"), ROUND_HALF_UP)


# --- Reports ------------------------------------------------------------------------------


@pytest.mark.without_rates
def test_the_overview_totals_money_in_the_budget_and_the_reporting_currency(bank_pledge, sponsor):
    monthly_chf()
    request_invoice(bank_pledge, user=sponsor[0])
    transfer(bank_pledge, "4000", "BANK-O-1", day(2026, 11, 15))
    data = dashboard.overview(today=timezone.localdate())
    by_currency = {line.currency: line.values for line in data.converted}
    assert list(by_currency) == ["CHF", "USD"]  # budget first, then reporting
    assert by_currency["CHF"]["received"] == D("4000.00")
    assert by_currency["USD"]["received"] == usd("4000", "0.78")
    assert by_currency["USD"]["due"] == usd("6000", "0.79")  # what is owed, at today's rate
    assert data.without_rate == 0


@pytest.mark.without_rates
def test_the_overview_counts_what_it_could_not_convert(bank_pledge):
    record("CHF", "0.79", DEC, day(2099, 12, 31))
    transfer(bank_pledge, "4000", "BANK-O-2", day(2026, 11, 15))
    data = dashboard.overview(today=timezone.localdate())
    usd_line = next(line for line in data.converted if line.currency == "USD")
    assert usd_line.values["received"] == D("0.00")  # November's money has no rate
    assert data.without_rate == 1


def test_exports_carry_the_reporting_columns(bank_pledge, tmp_path):
    transfer(bank_pledge, "4000", "BANK-X-1", day(2026, 11, 15))
    path = tmp_path / "journal.csv"
    call_command("export_journal", str(path), "--from", "2026-11-01", "--to", "2026-11-30")
    rows = list(csv.reader(io.StringIO(path.read_text())))
    header = rows[0]
    assert header[-6:] == [
        "reporting_debit",
        "reporting_credit",
        "reporting_currency",
        "reporting_rate",
        "rate_date",
        "rate_source",
    ]
    value = f"{usd('4000', rate_on('CHF', day(2026, 11, 15)).per_usd):.2f}"
    assert sorted(tuple(row[-6:-4]) for row in rows[1:]) == [("0.00", value), (value, "0.00")]
    assert {(row[-4], row[-2]) for row in rows[1:]} == {("USD", "2026-11-01")}


# --- The admin screen ---------------------------------------------------------------------


@pytest.fixture
def finance_officer(django_user_model, db):
    ensure_finance_permissions()
    user = django_user_model.objects.create_user("fatima", "finance@example.org", "x")
    user.groups.add(Group.objects.get(name="Finance"))
    return user


@pytest.mark.without_rates
def test_finance_imports_rates_in_the_admin_and_a_bad_file_names_its_lines(client, finance_officer):
    client.force_login(finance_officer)
    assert client.get("/admin/finance/rates/").status_code == 200
    bad = SimpleUploadedFile("r.csv", f"{HEADER}CHF,abc,2026-10-01,2026-10-31,{SOURCE}\n".encode())
    page = client.post("/admin/finance/rates/import/", {"file": bad}).content.decode()
    assert 'data-line="2"' in page and "per_usd “abc” is not a positive decimal number." in page
    assert ExchangeRate.objects.count() == 0
    good = SimpleUploadedFile(
        "r.csv", f"{HEADER}CHF,0.80,2026-10-01,2026-10-31,{SOURCE}\n".encode()
    )
    response = client.post("/admin/finance/rates/import/", {"file": good})
    assert response.status_code == 302 and ExchangeRate.objects.get().per_usd == D("0.80")
    listing = client.get("/admin/finance/rates/").content.decode()
    assert "0.800000" in listing and SOURCE in listing


def test_partnership_officers_read_the_rates_and_sponsors_do_not(client, sponsor):
    officer = make_user("olga@example.org", PARTNERSHIP_OFFICERS)
    client.force_login(officer)
    assert client.get("/admin/finance/rates/").status_code == 200
    assert client.get("/admin/finance/rates/import/").status_code in (302, 403)
    assert client.get("/admin/finance/rates/new/").status_code in (302, 403)
    client.force_login(sponsor[0])
    assert client.get("/admin/finance/rates/").status_code in (302, 403)


# --- The backfill of rows written before rates existed -------------------------------------


def _migration_state_apps():
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(
        ("finance", "0010_exchange_rates_and_reporting_values")
    ).apps


@pytest.mark.without_rates
def test_the_migration_values_old_rows_it_has_a_rate_for_and_flags_the_others(bank_pledge):
    payment = transfer(bank_pledge, "4000", "BANK-B-1", day(2026, 11, 15))  # no rate: blank
    Flag.objects.filter(kind=FlagKind.MISSING_RATE).delete()  # as before the migration
    record("CHF", "0.78", NOV, day(2026, 11, 30))
    backfill = import_module(
        "marketplace.finance.migrations.0010_exchange_rates_and_reporting_values"
    ).backfill_reporting_values
    backfill(_migration_state_apps(), None)
    payment.refresh_from_db()
    assert payment.reporting_amount == D("5128.21") and payment.reporting_rate_date == NOV
    entry = JournalEntry.objects.get(source=f"payment:{payment.pk}")
    assert entry.reporting_amount == D("5128.21")
    # Today's acknowledgement has no rate: still blank, and flagged.
    assert PaymentAcknowledgement.objects.get(payment=payment).reporting_amount is None
    assert Flag.objects.filter(kind=FlagKind.MISSING_RATE, resolved_at__isnull=True).count() == 1
