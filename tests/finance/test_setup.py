"""load_demo gives the Finance group what it needs, and running it again changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site

from marketplace.finance.models import FinanceSettings


def test_load_demo_lets_finance_into_the_finance_screens_idempotently(db, client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    finance = get_user_model().objects.get(email="finance@example.org")
    assert finance.has_perm("payments.record_transfer")
    assert finance.has_perm("payments.refund_payment")
    assert finance.has_perm("finance.view_receipt")
    assert not finance.has_perm("finance.change_receipt")
    assert not finance.has_perm("finance.delete_receipt")
    client.force_login(finance)
    assert client.get("/admin/finance/payments/").status_code == 200
    organiser = get_user_model().objects.get(email="organiser@example.org")
    client.force_login(organiser)
    refused = client.get("/admin/finance/payments/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    values = FinanceSettings.for_site(Site.objects.get(is_default_site=True))
    assert values.bank_iban  # invoices have bank details to print
