"""Money in templates: an amount with its currency, formatted for the reader's locale."""

from django import template

from marketplace.core.money import format_money

register = template.Library()


@register.simple_tag
def money(amount, currency) -> str:
    """`{% money package.price "CHF" %}` → "CHF 4,000" in English, "4 000 CHF" in French
    (decimals only when there are cents; see `marketplace.core.money`)."""
    return format_money(amount, currency)
