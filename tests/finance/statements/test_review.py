"""Finance's statement screens: upload (size limit, refusal), the statement with its lines and
candidates, allocating an unallocated line; nobody else sees them."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.finance.models import BankStatement, StatementLine
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.pledges.states import PledgeState
from tests.finance.statements.conftest import OTHER_IBAN, camt, camt_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(django_user_model, client):
    ensure_finance_permissions()
    user = django_user_model.objects.create_user("fatima", "finance@example.org", "x")
    user.groups.add(Group.objects.get(name="Finance"))
    client.force_login(user)
    return user


def upload(client, data, name="stmt.xml", **fields):
    return client.post(
        reverse("finance_statements:upload"),
        {"file": SimpleUploadedFile(name, data), **fields},
    )


def test_finance_uploads_reviews_and_allocates_an_unallocated_line(client, finance, bank_pledge):
    xml = camt([camt_entry("10000.00", ref="U-1", ustrd=["GSR gold"], debtor="ACME Ltd.")])
    response = upload(client, xml)
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("finance_statements:inspect", args=[statement.pk])
    assert statement.imported_by == finance
    assert (
        'enctype="multipart/form-data"'
        in client.get(reverse("finance_statements:upload")).content.decode()
    )
    page = client.get(response["Location"]).content.decode()
    assert "matched 0, partly 0, unallocated 1, duplicates 0, ignored 0" in page
    assert bank_pledge.reference in page and "owes exactly this amount" in page
    line = StatementLine.objects.get()
    form = client.get(reverse("finance_statements:allocate", args=[line.pk])).content.decode()
    assert f'value="{bank_pledge.reference}"' in form
    response = client.post(
        reverse("finance_statements:allocate", args=[line.pk]),
        {"target": bank_pledge.reference, "amount": "10000.00"},
    )
    assert response.status_code == 302
    bank_pledge.refresh_from_db()
    assert bank_pledge.status == PledgeState.PAID
    line.transfer.refresh_from_db()
    assert line.transfer.status == "allocated"


def test_a_refused_upload_says_why_and_stores_nothing(client, finance, bank_pledge):
    response = upload(client, camt([camt_entry("1.00", ref="Z")], iban=OTHER_IBAN))
    assert response.status_code == 200
    assert OTHER_IBAN in response.content.decode()
    assert not BankStatement.objects.exists()


def test_an_upload_over_the_limit_is_refused(client, finance, settings):
    settings.BANK_STATEMENT_MAX_MB = 0
    response = upload(client, b"x" * 2048, name="big.csv")
    assert response.status_code == 200
    assert "at most 0 MB" in response.content.decode()


def test_sponsors_and_staff_without_finance_cannot_see_statements(client, django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.org", "x", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("finance_statements:upload")).status_code in (302, 403)
    assert client.get(reverse("finance_statements:index")).status_code in (302, 403)
