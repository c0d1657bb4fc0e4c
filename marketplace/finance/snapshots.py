"""The frozen copies a finance document keeps: who pays, what for, and the bank to pay."""

from decimal import Decimal

from wagtail.models import Site

from marketplace.finance.hooks import DOCUMENT_ISSUER
from marketplace.finance.models import FinanceSettings
from sponsors.models import ContactRole


def money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def payer(organisation) -> dict:
    """The organisation as it is now: legal name, address, country, tax id, finance contact."""
    contact = organisation.contact_for(ContactRole.FINANCE)
    return {
        "legal_name": organisation.legal_name,
        "display_name": organisation.display_name,
        "billing_address": organisation.billing_address,
        "country": str(organisation.country.name) if organisation.country else "",
        "country_code": str(organisation.country.code) if organisation.country else "",
        "tax_id": organisation.tax_id,
        "contact_name": contact.name if contact else "",
        "contact_email": contact.email if contact else "",
    }


def pledge_line(pledge) -> dict:
    """The pledge as pledged: package, event, quantity, unit price, total."""
    return {
        "description": f"{pledge.package_title} — {pledge.event.title}",
        "reference": pledge.reference,
        "quantity": pledge.quantity,
        "unit_price": money(pledge.unit_price),
        "amount": money(pledge.total),
    }


def issuer() -> dict:
    """Who issues documents (filled in by DOCUMENT_ISSUER: the site's organisation) and the bank
    details, from the default site's finance settings."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    bank = FinanceSettings.for_site(site) if site else FinanceSettings()
    who = {"organisation_name": "", "contact_email": "", "address": ""}
    DOCUMENT_ISSUER.run(who, site=site)
    return {
        "organisation_name": who["organisation_name"],
        "contact_email": who["contact_email"],
        "address": who["address"],
        "bank_name": bank.bank_name,
        "account_holder": bank.bank_account_holder or who["organisation_name"],
        "iban": bank.bank_iban,
        "bic": bank.bank_bic,
        "bank_address": bank.bank_address,
    }
