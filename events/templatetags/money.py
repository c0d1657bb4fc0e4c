"""Money in templates: an amount with its currency, formatted for the reader's locale."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def money(amount, currency) -> str:
    """`{% money package.price "CHF" %}` → "CHF 4,000" (decimals only when there are cents)."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{currency} {number_format(amount, places, use_l10n=True, force_grouping=True)}"
