"""The frozen copies a finance document keeps: who pays, what for, and the bank to pay."""

from decimal import Decimal

from wagtail.models import Site

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
    """Who issues documents, and the bank details, from the default site's settings."""
    from cms.models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    values = SiteSettings.for_site(site) if site else SiteSettings()
    return {
        "organisation_name": values.organisation_name,
        "contact_email": values.contact_email,
        "address": values.address,
        "bank_name": values.bank_name,
        "account_holder": values.bank_account_holder or values.organisation_name,
        "iban": values.bank_iban,
        "bic": values.bank_bic,
        "bank_address": values.bank_address,
    }
