"""Amounts on finance documents and screens: `marketplace/core/money.py`'s format for the
reader's locale (Babel: "CHF 5,000.00" in English, "5 000,00 CHF" in French), always with the
two decimals — the one rule for finance (README, "Money")."""

from decimal import Decimal

from django import template

from marketplace.core.money import format_money
from marketplace.finance.snapshots import address_lines
from marketplace.pledges.models import PaymentMethod

register = template.Library()


@register.simple_tag
def amount(value, currency) -> str:
    """`{% amount receipt.amount receipt.currency %}` → "CHF 5,000.00" (en), "5 000,00 CHF" (fr)."""
    if value in (None, ""):
        return ""
    return format_money(Decimal(value), currency, minor_units=True)


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
