"""Finance in the Wagtail admin: only the Finance group and superusers; payments listed with
filters and search; transfers recorded; refunds; receipts read-only with their PDF."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from marketplace.finance.models import CreditNote, Receipt
from marketplace.finance.permissions import ensure_finance_permissions
from marketplace.payments.bank import record_transfer
from marketplace.payments.models import Flag, Payment
from marketplace.pledges.models import Pledge
from tests.pdf import pdf_text


@pytest.fixture
def finance(django_user_model, db):
    ensure_finance_permissions()
    ensure_finance_permissions()  # idempotent
    user = django_user_model.objects.create_user("fatima", "finance@example.org", "x")
    user.groups.add(Group.objects.get(name="Finance"))
    return user


@pytest.fixture
def organiser(django_user_model, db):
    from wagtail.models import Page  # noqa: F401

    from events.editorial import ORGANISERS, ensure_editorial_setup  # noqa: F401
    from marketplace.pledges.permissions import ensure_pledge_permissions

    ensure_pledge_permissions()
    user = django_user_model.objects.create_user("olivia", "organiser@example.org", "x")
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


def paid(pledge, reference="B-1", amount="10000"):
    payment, _ = record_transfer(
        pledge,
        amount=amount,
        currency="CHF",
        value_date=timezone.localdate(),
        bank_reference=reference,
        actor=None,
    )
    return payment


def test_only_finance_and_superusers_see_the_finance_screens(
    client, finance, organiser, admin_user, bank_pledge
):
    paid(bank_pledge)
    receipt = Receipt.objects.get()
    urls = [
        "/admin/finance/payments/",
        "/admin/finance/receipts/",
        f"/admin/finance/receipts/pdf/{receipt.pk}/",
        "/admin/finance/flags/",
        "/admin/finance/payments/record-transfer/",
    ]
    for user, allowed in ((finance, True), (admin_user, True), (organiser, False)):
        client.force_login(user)
        for url in urls:
            status = client.get(url).status_code
            assert (status == 200) is allowed, (user, url, status)


def test_payments_filter_by_status_method_and_flag_and_search_by_reference(
    client, finance, other_sponsor, package, bank_pledge
):
    from tests.factories import pledge_for

    other = pledge_for(other_sponsor, package, quantity=1, payment_method="bank_transfer")
    paid(bank_pledge, "B-1", "10500")  # over-paid: flagged
    paid(other, "B-2", "100")  # partial
    client.force_login(finance)
    html = client.get("/admin/finance/payments/?flagged=true").content.decode()
    assert "B-1" in html and "B-2" not in html
    html = client.get("/admin/finance/payments/?flagged=false").content.decode()
    assert "B-2" in html and "B-1" not in html
    html = client.get(f"/admin/finance/payments/?q={other.reference}").content.decode()
    assert "B-2" in html and "B-1" not in html
    html = client.get("/admin/finance/payments/?method=card").content.decode()
    assert "B-1" not in html and "B-2" not in html
    html = client.get(
        "/admin/finance/payments/?status=succeeded&method=bank_transfer"
    ).content.decode()
    assert "B-1" in html and "B-2" in html


def test_finance_records_a_partial_then_the_rest_and_sees_the_balance(client, finance, bank_pledge):
    client.force_login(finance)
    form = {
        "pledge_reference": bank_pledge.reference,
        "amount": "4000.00",
        "currency": "CHF",
        "value_date": timezone.localdate().isoformat(),
        "bank_reference": "UBS-2026-0001",
    }
    response = client.post("/admin/finance/payments/record-transfer/", form, follow=True)
    assert "CHF\u00a06,000 is still due" in response.content.decode()
    form.update(amount="6000.00", bank_reference="UBS-2026-0002")
    response = client.post("/admin/finance/payments/record-transfer/", form, follow=True)
    assert "Paid in full" in response.content.decode()
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "paid"
    # A transfer in another currency is refused on the form, nothing recorded.
    form.update(currency="EUR", bank_reference="UBS-2026-0003")
    response = client.post("/admin/finance/payments/record-transfer/", form)
    assert response.status_code == 200 and "is in CHF" in response.content.decode()
    assert Payment.objects.count() == 2


def test_finance_refunds_from_the_admin(client, finance, bank_pledge):
    payment = paid(bank_pledge)
    client.force_login(finance)
    page = client.get(f"/admin/finance/payments/inspect/{payment.pk}/").content.decode()
    assert f"/admin/finance/payments/refund/{payment.pk}/" in page
    response = client.post(
        f"/admin/finance/payments/refund/{payment.pk}/",
        {"amount": "1000.00", "reason": "Goodwill"},
        follow=True,
    )
    note = CreditNote.objects.get()
    assert note.number in response.content.decode()
    assert note.amount == Decimal("1000.00")
    assert Pledge.objects.get(pk=bank_pledge.pk).status == "partially_refunded"


def test_finance_resolves_a_flag(client, finance, bank_pledge):
    paid(bank_pledge, amount="10500")
    flag = Flag.objects.get()
    client.force_login(finance)
    client.post(
        f"/admin/finance/flags/resolve/{flag.pk}/", {"resolution": "Refund agreed with sponsor"}
    )
    flag.refresh_from_db()
    assert flag.resolved_by == finance and flag.resolution == "Refund agreed with sponsor"


def test_receipts_cannot_be_edited_or_deleted_in_the_admin(client, admin_user, bank_pledge):
    paid(bank_pledge)
    receipt = Receipt.objects.get()
    client.force_login(admin_user)
    listing = client.get("/admin/finance/receipts/").content.decode()
    assert receipt.number in listing
    for url in (
        f"/admin/finance/receipts/edit/{receipt.pk}/",
        f"/admin/finance/receipts/delete/{receipt.pk}/",
        "/admin/finance/receipts/add/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"amount": "1"}).status_code == 404
    inspect = client.get(f"/admin/finance/receipts/inspect/{receipt.pk}/").content.decode()
    assert "never edited or deleted" in inspect
    pdf = client.get(f"/admin/finance/receipts/pdf/{receipt.pk}/")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert receipt.number in text and "CHF\xa010,000.00" in text
    assert Receipt.objects.get().amount == Decimal("10000.00")
