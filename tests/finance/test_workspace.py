"""The finance workspace in the admin: the overview (figures per event and currency, overdue
invoices, open flags resolvable there, unallocated money, the monthly chart with its table) in
a number of queries that does not grow with the pledges; receivables aging on screen and as
CSV; the journal; and every finance listing's export as CSV and XLSX."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.finance import aging, ledger
from marketplace.finance.invoices import request_invoice
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.payments.bank import record_transfer
from marketplace.payments.models import Flag
from marketplace.payments.moves import raise_flag
from tests.factories import make_package, make_sponsor, pledge_for
from worker.models import MailLog


@pytest.fixture
def finance(django_user_model, db):
    ensure_finance_permissions()
    user = django_user_model.objects.create_user("fatima", "finance@example.org", "x")
    user.groups.add(Group.objects.get(name="Finance"))
    return user


def transfer(pledge, amount, reference):
    return record_transfer(
        pledge,
        amount=amount,
        currency=pledge.currency,
        value_date=timezone.localdate(),
        bank_reference=reference,
        actor=None,
    )


def test_only_finance_sees_the_overview_aging_and_journal(client, finance, django_user_model):
    urls = ["/admin/finance/overview/", "/admin/finance/aging/", "/admin/finance/journal/"]
    client.force_login(finance)
    for url in urls:
        assert client.get(url).status_code == 200, url
    other = django_user_model.objects.create_user("o", "o@example.org", "x", is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    for url in urls:
        assert client.get(url).status_code in (302, 403), url


def test_the_overview_shows_money_per_event_and_resolves_a_flag(
    client, finance, bank_pledge, sponsor
):
    request_invoice(bank_pledge, user=sponsor[0])
    transfer(bank_pledge, "4000", "BANK-OV-1")
    ledger.post_unallocated_receipt("120", "EUR", source="unallocated:t1", document="STMT-1")
    raise_flag("amount_mismatch", "test-flag", "Amount differs on BANK-OV-9", pledge=bank_pledge)
    client.force_login(finance)
    page = client.get("/admin/finance/overview/").content.decode()
    event = bank_pledge.event.title
    assert f'data-event="{event}" data-currency="CHF"' in page
    row = page.split(f'data-event="{event}"')[1].split("</tr>")[0]
    for measure, shown in [
        ("pledged", "CHF\xa010,000"),
        ("invoiced", "CHF\xa010,000"),
        ("received", "CHF\xa04,000"),
        ("refunded", "CHF\xa00"),
        ("due", "CHF\xa06,000"),
    ]:
        assert f'data-measure="{measure}">{shown}</td>' in row, measure
    assert "EUR\xa0120" in page  # unallocated
    assert "Amount differs on BANK-OV-9" in page
    assert "<svg" in page and 'id="finance-months"' in page

    flag = Flag.objects.get(key="amount_mismatch:test-flag")
    response = client.post(
        f"/admin/finance/overview/resolve/{flag.pk}/", {"resolution": "Sponsor pays the rest"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/finance/overview/"
    flag.refresh_from_db()
    assert flag.resolved_by == finance and flag.resolution == "Sponsor pays the rest"


def test_the_overview_reads_in_a_constant_number_of_queries(client, finance, event, sponsor):
    package = make_package(event, title="Stand", slug="stand", price="1000.00", capacity=None)
    package.max_per_sponsor = 100
    package.save_revision().publish()
    client.force_login(finance)

    def pledges(count, start):
        for i in range(count):
            pledge = pledge_for(sponsor, package, quantity=1)
            request_invoice(pledge, user=sponsor[0])
            transfer(pledge, "400", f"BANK-Q-{start + i}")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/finance/overview/").status_code == 200
        return len(captured)

    pledges(1, 0)
    queries()  # warms the session and the admin's caches
    few = queries()
    pledges(6, 100)
    assert queries() == few


def test_aging_buckets_at_their_edges(bank_pledge, sponsor):

    invoice = request_invoice(bank_pledge, user=sponsor[0])
    due = invoice.due_date
    expected = [
        (0, "current"),
        (1, "days_1_30"),
        (30, "days_1_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_90_plus"),
    ]
    for days, bucket in expected:
        [item] = aging.open_items(due + datetime.timedelta(days=days))
        assert (item.days_past_due, item.bucket) == (days, bucket)
        rows, totals = aging.aging(due + datetime.timedelta(days=days))
        assert rows[0].buckets[bucket] == Decimal("10000.00") and rows[0].total == Decimal(
            "10000.00"
        )
    before_issue = timezone.localdate(invoice.issued_at) - datetime.timedelta(days=1)
    assert aging.open_items(before_issue) == []  # nothing owed before the invoice
    transfer(bank_pledge, "10000", "BANK-AGE")
    assert aging.open_items(due + datetime.timedelta(days=5)) == []  # paid: nothing owed


def test_aging_report_command_and_admin_csv(client, finance, bank_pledge, sponsor, capsys):

    invoice = request_invoice(bank_pledge, user=sponsor[0])
    transfer(bank_pledge, "2500", "BANK-AG-1")
    as_of = invoice.due_date + datetime.timedelta(days=45)
    call_command("aging_report", "--as-of", as_of.isoformat())
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == [
        "organisation",
        "event",
        "currency",
        "current",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "days_90_plus",
        "total",
    ]
    assert rows[1] == [
        "Acme",
        bank_pledge.event.title,
        "CHF",
        "0.00",
        "0.00",
        "7500.00",
        "0.00",
        "0.00",
        "7500.00",
    ]
    assert rows[2][:3] == ["TOTAL", "", "CHF"] and rows[2][-1] == "7500.00"

    client.force_login(finance)
    response = client.get(f"/admin/finance/aging/aging.csv?as_of={as_of.isoformat()}")
    body = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(body)))[1] == rows[1]
    page = client.get(f"/admin/finance/aging/?as_of={as_of.isoformat()}").content.decode()
    assert "CHF\xa07,500" in page and invoice.number in page
    assert "is not a date" in client.get("/admin/finance/aging/?as_of=31.12.").content.decode()


def test_listing_exports_are_streamed_neutralised_iso_and_numeric(
    client, finance, bank_pledge, sponsor
):
    request_invoice(bank_pledge, user=sponsor[0])
    transfer(bank_pledge, "10000", "=cmd|' /C calc'!A0")
    client.force_login(finance)
    response = client.get("/admin/finance/payments/?export=csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    [row] = rows
    assert row["bank_reference"] == "'=cmd|' /C calc'!A0"
    assert row["amount"] == "10000.00" and row["method"] == "Bank transfer"
    assert row["value_date"] == timezone.localdate().isoformat()
    assert datetime.datetime.fromisoformat(row["created_at"]).microsecond == 0

    for url in (
        "/admin/finance/invoices/?export=csv",
        "/admin/finance/receipts/?export=csv",
        "/admin/finance/journal/?export=csv",
    ):
        body = b"".join(client.get(url).streaming_content).decode()
        lines = [line for line in body.splitlines() if line.strip(",")]
        assert len(lines) >= 2, url  # a header and rows, never blank lines

    response = client.get("/admin/finance/payments/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["amount"] == 10000 and isinstance(values["amount"], (int, float))
    assert values["bank_reference"] == "'=cmd|' /C calc'!A0"
    assert sheet.cell(2, header.index("bank_reference") + 1).data_type == "s"


def test_export_finance_command_writes_xlsx_and_refuses_an_unknown_kind(tmp_path, bank_pledge):

    transfer(bank_pledge, "10000", "BANK-X-1")
    out = tmp_path / "payments.xlsx"
    call_command("export_finance", "payments", str(out))
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 2
    with pytest.raises(CommandError, match="not an export"):
        call_command("export_finance", "salaries", str(tmp_path / "x.csv"))


def test_other_organisations_pledges_stay_apart_in_aging(bank_pledge, sponsor, package):

    other = make_sponsor(name="Globex")
    mine = request_invoice(bank_pledge, user=sponsor[0])
    theirs_pledge = pledge_for(other, package, quantity=1)
    request_invoice(theirs_pledge, user=other[0])
    rows, totals = aging.aging(mine.due_date)
    assert [(r.organisation, r.total) for r in rows] == [
        ("Acme", Decimal("10000.00")),
        ("Globex", Decimal("5000.00")),
    ]
    assert totals["CHF"].total == Decimal("15000.00")


def test_overdue_reminder_goes_to_the_finance_contact_once_per_window(bank_pledge, sponsor):
    invoice = request_invoice(bank_pledge, user=sponsor[0])
    due = invoice.due_date
    assert aging.remind_overdue(due) == 0  # not yet overdue
    assert aging.remind_overdue(due + datetime.timedelta(days=1)) == 1
    assert aging.remind_overdue(due + datetime.timedelta(days=2)) == 0  # same window
    assert aging.remind_overdue(due + datetime.timedelta(days=31)) == 1  # the next one
    reminders = MailLog.objects.filter(key__startswith="reminder:invoice-overdue:")
    assert sorted(reminders.values_list("key", flat=True)) == [
        f"reminder:invoice-overdue:{invoice.pk}:1",
        f"reminder:invoice-overdue:{invoice.pk}:31",
    ]
    mail = reminders.first()
    assert mail.to == "accounts@acme.example"
    assert invoice.number in mail.subject
    transfer(bank_pledge, "10000", "BANK-LATE")
    assert aging.remind_overdue(due + datetime.timedelta(days=61)) == 0  # paid: no reminder
