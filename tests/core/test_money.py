"""Amounts read as each language writes them (Babel's CLDR data), with the ISO code."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from marketplace.core.money import format_money

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "whole", "with_cents"),
    [
        ("en", f"CHF{NBSP}40,000", f"EUR{NBSP}1,234.50"),
        ("fr", f"40\u202f000{NBSP}CHF", f"1\u202f234,50{NBSP}EUR"),
        ("es", f"40.000{NBSP}CHF", f"1.234,50{NBSP}EUR"),
        ("ru", f"40{NBSP}000{NBSP}CHF", f"1{NBSP}234,50{NBSP}EUR"),
        ("ar", f"\u200f40,000{NBSP}CHF", f"\u200f1,234.50{NBSP}EUR"),
        ("zh-hans", f"CHF{NBSP}40,000", f"EUR{NBSP}1,234.50"),
    ],
)
def test_money_is_grouped_and_placed_per_locale(language, whole, with_cents):
    assert format_money(Decimal("40000"), "CHF", language) == whole
    assert format_money(Decimal("1234.5"), "EUR", language) == with_cents


def test_the_template_tag_follows_the_active_language():
    template = Template('{% load money %}{% money amount "USD" %}')
    with translation.override("fr"):
        assert template.render(Context({"amount": Decimal("45000")})) == f"45\u202f000{NBSP}USD"
    with translation.override("en"):
        assert template.render(Context({"amount": None})) == ""


def test_an_unknown_language_falls_back_to_english():
    assert format_money(Decimal("10"), "USD", "xx") == f"USD{NBSP}10"
