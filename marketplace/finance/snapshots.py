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
    """Who issues documents and the bank to pay, from the default site's finance settings:
    legal name, postal address, tax status and tax id (each falling back to the site's
    organisation, filled in by DOCUMENT_ISSUER), the tax that applies, and the bank details."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    values = FinanceSettings.for_site(site) if site else FinanceSettings()
    who = {"organisation_name": "", "contact_email": "", "address": ""}
    DOCUMENT_ISSUER.run(who, site=site)
    name = values.issuer_legal_name or who["organisation_name"]
    return {
        "organisation_name": name,
        "contact_email": who["contact_email"],
        "address": values.issuer_postal_address or who["address"],
        "tax_status": values.issuer_tax_status,
        "tax_id": values.issuer_tax_id,
        "tax_label": values.tax_label,
        "tax_rate": "" if values.tax_rate is None else money(values.tax_rate),
        "bank_name": values.bank_name,
        "account_holder": values.bank_account_holder or name,
        "iban": values.bank_iban,
        "bic": values.bank_bic,
        "bank_address": values.bank_address,
    }


def tax_lines(amount, issuer_values: dict) -> list[dict]:
    """The tax included in `amount` when a rate applies (a rate of 0 gives a zero-rated line;
    no rate, no line): label, rate, net and tax, as strings with two decimals."""
    rate = issuer_values.get("tax_rate")
    if rate in (None, ""):
        return []
    rate = Decimal(rate)
    amount = Decimal(amount)
    tax = (amount * rate / (Decimal("100") + rate)).quantize(Decimal("0.01"))
    return [
        {
            "label": issuer_values.get("tax_label") or "",
            "rate": rate.normalize() if rate else Decimal("0"),
            "net": money(amount - tax),
            "tax": money(tax),
        }
    ]


def address_lines(address: str, country: str) -> str:
    """An address with its country printed once: the country is added only when the address
    does not already end with it."""
    address = (address or "").strip()
    country = (country or "").strip()
    if not country:
        return address
    last = address.splitlines()[-1].strip().rstrip(".").casefold() if address else ""
    if last == country.casefold() or last.endswith(country.casefold()):
        return address
    return f"{address}\n{country}" if address else country
