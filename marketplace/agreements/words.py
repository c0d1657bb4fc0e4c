"""Amounts in words, as a contract writes them: "fifty thousand Swiss francs".

    amount_in_words(Decimal("1234.56"), "USD")
    → "one thousand two hundred thirty-four US dollars and fifty-six cents"

The numbers are spelled in English (agreements are issued in English, the site's language);
the currency and subunit names are translatable, singular and plural (`ngettext`), so a
translation of the site names them in its own language.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import ngettext

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
MAX_AMOUNT = 10**15  # below one quadrillion


def _below_thousand(n: int) -> list[str]:
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [ONES[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{TENS[tens]}-{ONES[ones]}" if ones else TENS[tens])
    elif rest:
        words.append(ONES[rest])
    return words


def number_in_words(n: int) -> str:
    """A whole number from 0 to 999,999,999,999,999 in English words, hyphenating 21-99:
    1_250_000 → "one million two hundred fifty thousand"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("number_in_words() takes an int.")
    if n < 0 or n >= MAX_AMOUNT:
        raise ValueError(f"{n} is out of range (0 to {MAX_AMOUNT - 1:,}).")
    if n == 0:
        return ONES[0]
    words = []
    for scale, name in SCALES:
        count, n = divmod(n, scale)
        if count:
            words += [*_below_thousand(count), name]
    words += _below_thousand(n)
    return " ".join(words)


def _unit_names(currency: str, count: int) -> str:
    names = {
        "CHF": lambda: ngettext("Swiss franc", "Swiss francs", count),
        "USD": lambda: ngettext("US dollar", "US dollars", count),
        "EUR": lambda: ngettext("euro", "euros", count),
        "GBP": lambda: ngettext("pound sterling", "pounds sterling", count),
    }
    return names[currency]() if currency in names else currency


def _subunit_names(currency: str, count: int) -> str:
    if currency == "CHF":
        return ngettext("centime", "centimes", count)
    return ngettext("cent", "cents", count)


def amount_in_words(amount, currency: str) -> str:
    """`amount` (Decimal, int or numeric string, at most two decimals, not negative) in words
    with its currency's name: 50000 CHF → "fifty thousand Swiss francs"; 1.01 USD → "one US
    dollar and one cent"; 0.50 EUR → "zero euros and fifty cents". A currency without a name
    here is written by its code. Raises ValueError on anything else."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{amount!r} is not an amount.")
    if not value.is_finite() or value < 0:
        raise ValueError(f"{amount!r} is not an amount that can be written in words.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{amount!r} has more than two decimals.")
    currency = (currency or "").upper()
    units = int(value)
    cents = int((value - units) * 100)
    text = f"{number_in_words(units)} {_unit_names(currency, units)}"
    if cents:
        text += f" and {number_in_words(cents)} {_subunit_names(currency, cents)}"
    return text
