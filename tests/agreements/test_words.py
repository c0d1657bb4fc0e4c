"""Amounts in words, as the agreement writes them beside the figures."""

from decimal import Decimal

import pytest
from django.utils import translation

from marketplace.agreements.words import amount_in_words, number_in_words


@pytest.mark.parametrize(
    "number, words",
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (20, "twenty"),
        (21, "twenty-one"),
        (99, "ninety-nine"),
        (100, "one hundred"),
        (101, "one hundred one"),
        (999, "nine hundred ninety-nine"),
        (1_000, "one thousand"),
        (1_001, "one thousand one"),
        (12_345, "twelve thousand three hundred forty-five"),
        (50_000, "fifty thousand"),
        (100_000, "one hundred thousand"),
        (1_000_000, "one million"),
        (1_250_000, "one million two hundred fifty thousand"),
        (2_000_000_017, "two billion seventeen"),
        (999_999_999_999_999, "nine hundred ninety-nine trillion nine hundred ninety-nine "
         "billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine "
         "hundred ninety-nine"),
    ],
)  # fmt: skip
def test_whole_numbers_in_words(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize(
    "amount, currency, words",
    [
        (Decimal("50000.00"), "CHF", "fifty thousand Swiss francs"),
        (Decimal("1.00"), "CHF", "one Swiss franc"),
        (Decimal("1.01"), "USD", "one US dollar and one cent"),
        (Decimal("1234.56"), "USD",
         "one thousand two hundred thirty-four US dollars and fifty-six cents"),
        (Decimal("0.50"), "EUR", "zero euros and fifty cents"),
        (Decimal("20000.05"), "CHF", "twenty thousand Swiss francs and five centimes"),
        ("7500", "eur", "seven thousand five hundred euros"),
        (12, "JPY", "twelve JPY"),
    ],
)  # fmt: skip
def test_amounts_in_words_name_the_currency_and_cents(amount, currency, words):
    assert amount_in_words(amount, currency) == words


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("1.005"), "abc", Decimal("NaN"), 10**15])
def test_amounts_that_cannot_be_written_are_refused(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad, "CHF")


def test_number_in_words_takes_whole_numbers_only():
    with pytest.raises(TypeError):
        number_in_words(1.5)
    with pytest.raises(TypeError):
        number_in_words(True)


def test_currency_names_go_through_translation(monkeypatch):
    """The currency's name is looked up with ngettext, so each language can name it."""
    seen = []

    def fake_ngettext(singular, plural, count):
        seen.append((singular, plural, count))
        return "FRANCS-SUISSES" if count != 1 else "FRANC-SUISSE"

    monkeypatch.setattr("marketplace.agreements.words.ngettext", fake_ngettext)
    with translation.override("fr"):
        assert amount_in_words(Decimal("2.00"), "CHF") == "two FRANCS-SUISSES"
    assert ("Swiss franc", "Swiss francs", 2) in seen
