"""Amounts on finance documents: always two decimals, grouped for the reader's locale."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from marketplace.finance.snapshots import address_lines
from marketplace.pledges.models import PaymentMethod

register = template.Library()


@register.simple_tag
def amount(value, currency) -> str:
    """`{% amount receipt.amount receipt.currency %}` → "CHF 5,000.00"."""
    if value in (None, ""):
        return ""
    return f"{currency} {number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)}"


@register.filter
def method_label(value: str) -> str:

    labels = []
    for code in str(value or "").split(","):
        try:
            labels.append(str(PaymentMethod(code).label))
        except ValueError:
            labels.append(code)
    return ", ".join(labels)


@register.filter
def with_country(payer: dict) -> str:
    """The payer's billing address with its country printed once."""
    payer = payer or {}
    return address_lines(payer.get("billing_address", ""), payer.get("country", ""))


@register.filter
def negated(value):
    """`-value`, for the total of a credit note that cancels an invoice."""
    if value in (None, ""):
        return value
    return -Decimal(value)
