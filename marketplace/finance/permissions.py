"""Who may see and handle money: the "Finance" group's permissions. Idempotent."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Site

from marketplace.core.roles import FINANCE, ROLE_STEPS
from marketplace.finance.models import FinanceSettings

FINANCE_PERMISSIONS = [
    ("payments", "view_payment"),
    ("payments", "record_transfer"),
    ("payments", "refund_payment"),
    ("payments", "resolve_flag"),
    ("payments", "view_flag"),
    ("payments", "view_refund"),
    ("finance", "view_receipt"),
    ("finance", "view_invoice"),
    ("finance", "view_creditnote"),
    ("finance", "view_journalentry"),
    ("finance", "view_paymentacknowledgement"),
    ("finance", "reissue_invoice"),
    ("finance", "view_unallocatedtransfer"),
    ("finance", "record_unallocated"),
    ("finance", "allocate_transfer"),
    ("finance", "view_adjustment"),
    ("finance", "book_bank_charge"),
    ("finance", "write_off"),
    ("finance", "view_payout"),
    ("finance", "view_bankstatement"),
    ("finance", "import_statement"),
    ("finance", "view_exchangerate"),
    ("finance", "add_exchangerate"),
    ("finance", "change_exchangerate"),
    ("finance", "import_exchangerate"),
    ("pledges", "view_pledge"),
]


@ROLE_STEPS.register(30, "finance: the Finance group sees and handles money")
@transaction.atomic
def ensure_finance_permissions() -> Group:
    """Give the "Finance" group the admin and the finance permissions (see payments, record
    transfers, refund, resolve flags, read receipts, invoices, acknowledgements, credit notes
    and the journal, re-issue invoices, record and allocate unallocated money, book bank
    charges, write off, import bank statements, read Stripe's payouts)."""
    group, _created = Group.objects.get_or_create(name=FINANCE)
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in FINANCE_PERMISSIONS
    ]
    admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(admin, *permissions)
    return group


DEMO_BANK = {
    "bank_name": "Demo Bank of Geneva",
    "bank_account_holder": "Telecommunication Development Bureau — sponsorship",
    "bank_iban": "CH93 0076 2011 6238 5295 7",
    "bank_bic": "DEMOCHGGXXX",
    "bank_address": "Rue du Marché 1, 1204 Geneva, Switzerland",
}


def ensure_demo_bank_details() -> None:
    """Demo bank details for invoices, on the default site, unless some are already set."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    values = FinanceSettings.for_site(site)
    if values.bank_iban:
        return
    for field, value in DEMO_BANK.items():
        setattr(values, field, value)
    values.save()
