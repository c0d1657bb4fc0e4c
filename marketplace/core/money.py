"""Money as a reader reads it: the ISO 4217 code, digit grouping, decimal sign and the code's
place per locale (Babel, CLDR data), cents only when there are any.

    format_money(Decimal("40000"), "CHF", "en")  → "CHF 40,000"
    format_money(Decimal("40000"), "CHF", "fr")  → "40 000 CHF"
    format_money(Decimal("1234.5"), "EUR", "es") → "1.234,50 EUR"

The code is always the ISO one (never "$", which the bureau's partners read as several
currencies), separated from the number by a no-break space so an amount never wraps, and digits
are Western Arabic in every language, as the UN's Arabic documents print amounts.
"""

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.utils import translation

NBSP = "\u00a0"


def _locale(language: str | None) -> Locale:
    code = translation.to_locale(language or translation.get_language() or "en")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _pattern(locale: Locale, places: int) -> str:
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace("¤", "¤¤")
    # CLDR's patterns put a symbol like "$" against the digits; a code needs a space.
    pattern = pattern.replace("¤¤#", f"¤¤{NBSP}#").replace("0¤¤", f"0{NBSP}¤¤")
    if places == 0:
        pattern = pattern.replace("0.00", "0")
    return pattern


def format_money(
    amount, currency: str, language: str | None = None, *, minor_units: bool = False
) -> str:
    """`minor_units`: always the two decimals (finance's documents and screens: accounting
    figures line up), else cents only when there are any."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    places = 2 if minor_units or amount != amount.to_integral_value() else 0
    locale = _locale(language)
    return format_currency(
        amount,
        currency,
        format=_pattern(locale, places),
        locale=locale,
        currency_digits=False,
        numbering_system="latn",
    )
