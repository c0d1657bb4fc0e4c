"""ISO 4217 currency codes, from pycountry (agreements are signed in many currencies, not only
the catalogue's three)."""

from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def is_currency(code: str) -> bool:
    return code in currency_codes()


def validate_currency(value: str) -> None:
    if value and not is_currency(value):
        raise ValidationError(
            _("“%(code)s” is not an ISO 4217 currency code."), params={"code": value}
        )
