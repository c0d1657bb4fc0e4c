"""ISO 4217 currency codes, from pycountry (agreements are signed in many currencies, not only
the catalogue's three), less the codes that are not money a partner can pay in."""

from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ISO 4217 also codes things that are not currencies: precious metals, bond-market and
# supranational units of account, the testing code and "no currency", and the fund codes
# (indexed or next-day units beside a real currency). An agreement's value is never in one.
NOT_MONEY = frozenset(
    {
        "XAG",  # silver
        "XAU",  # gold
        "XPD",  # palladium
        "XPT",  # platinum
        "XBA",  # European Composite Unit
        "XBB",  # European Monetary Unit
        "XBC",  # European Unit of Account 9
        "XBD",  # European Unit of Account 17
        "XDR",  # IMF special drawing right (a unit of account)
        "XSU",  # SUCRE (ALBA unit of account)
        "XUA",  # ADB unit of account
        "XTS",  # reserved for testing
        "XXX",  # no currency
        "BOV",  # Bolivian Mvdol (fund)
        "CHE",  # WIR euro (complementary)
        "CHW",  # WIR franc (complementary)
        "CLF",  # Unidad de Fomento (fund)
        "COU",  # Unidad de Valor Real (fund)
        "MXV",  # Mexican Unidad de Inversion (fund)
        "USN",  # US dollar next day (fund)
        "UYI",  # Uruguay peso en unidades indexadas (fund)
        "UYW",  # Unidad previsional (fund)
    }
)


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes of real money."""
    return frozenset(currency.alpha_3 for currency in pycountry.currencies) - NOT_MONEY


def is_currency(code: str) -> bool:
    return code in currency_codes()


def is_non_currency_code(code: str) -> bool:
    """An ISO 4217 code that is not money (gold, SDR, XTS, XXX, fund codes…)."""
    return code in NOT_MONEY


def validate_currency(value: str) -> None:
    if value and is_non_currency_code(value):
        raise ValidationError(
            _("“%(code)s” is an ISO 4217 code but not a currency (metal, unit or test code)."),
            params={"code": value},
        )
    if value and not is_currency(value):
        raise ValidationError(
            _("“%(code)s” is not an ISO 4217 currency code."), params={"code": value}
        )
