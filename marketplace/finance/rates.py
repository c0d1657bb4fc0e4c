"""Rates of exchange: the UN operational rates, recorded (imported from a file or typed in the
admin), never fetched at run time.

A rate says how many units of a currency one US dollar buys (`per_usd`) from `valid_from` to
`valid_to`, both days included; the periods of one currency never overlap, so on any day at
most one rate is in force. The US dollar is the base (1 by definition, never stored).
Converting between two other currencies goes through the dollar:

    amount in B = amount in A × per_usd(B) / per_usd(A)

That quotient, rounded to 12 decimals, is the stored `reporting_rate`, and the reporting amount
is the original amount times it, rounded half up to the cent — so anyone can redo the sum
from what a row stores. A missing rate is never 1.0: `value()` returns None and the caller
records a flag (`reporting.py`).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BASE = "USD"
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.000000000001")  # 12 decimals, as `reporting_rate` stores
SAME_CURRENCY = "same currency"  # the source stored for an amount already in the currency


def reporting_currency() -> str:
    return settings.REPORTING_CURRENCY


def budget_currency() -> str:
    return settings.BUDGET_CURRENCY


def is_currency(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and pycountry.currencies.get(alpha_3=code) is not None


class ExchangeRate(models.Model):
    """One currency's rate against the US dollar over a period (a month, for the UN
    operational rates). Recorded, never fetched; see the module docstring."""

    wagtail_reference_index_ignore = True

    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. CHF."))
    per_usd = models.DecimalField(
        _("units per US dollar"),
        max_digits=20,
        decimal_places=6,
        help_text=_("How many units of the currency one US dollar buys (UN operational rate)."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), help_text=_("The last day the rate applies."))
    source = models.CharField(
        _("source"), max_length=200, help_text=_("For example: UN operational rate of exchange.")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rate of exchange")
        verbose_name_plural = _("rates of exchange")
        ordering = ["currency", "-valid_from"]
        permissions = [("import_exchangerate", _("Can import rates of exchange"))]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"], name="one_rate_per_currency_and_start"
            ),
            models.CheckConstraint(
                condition=models.Q(per_usd__gt=0), name="exchange_rate_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="exchange_rate_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["currency", "valid_from", "valid_to"], name="exchange_rate_on")
        ]

    def __str__(self):
        return f"{self.currency} {self.per_usd} ({self.valid_from} – {self.valid_to})"

    def clean(self):
        errors = {}
        self.currency = (self.currency or "").strip().upper()
        if not is_currency(self.currency):
            errors["currency"] = _("“%(code)s” is not an ISO 4217 currency code.") % {
                "code": self.currency
            }
        elif self.currency == BASE:
            errors["currency"] = _("The US dollar is the base: its rate is 1 by definition.")
        if self.per_usd is not None and self.per_usd <= 0:
            errors["per_usd"] = _("A rate is above zero.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The period ends before it starts.")
        if not errors:
            other = overlapping(self.currency, self.valid_from, self.valid_to, exclude=self.pk)
            if other is not None:
                errors["valid_from"] = _("This period overlaps the rate %(other)s.") % {
                    "other": other
                }
        if errors:
            raise ValidationError(errors)


def overlapping(currency, valid_from, valid_to, *, exclude=None) -> ExchangeRate | None:
    """A stored rate of the currency whose period shares a day with this one."""
    rates = ExchangeRate.objects.filter(
        currency=currency, valid_from__lte=valid_to, valid_to__gte=valid_from
    )
    if exclude is not None:
        rates = rates.exclude(pk=exclude)
    return rates.order_by("valid_from").first()


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def rate_on(currency: str, day) -> ExchangeRate | None:
    """The rate of `currency` in force on `day` (a date, or a datetime read in the site's time
    zone), or None. Not for the US dollar (1 by definition)."""
    return ExchangeRate.objects.filter(
        currency=currency.upper(), valid_from__lte=_day(day), valid_to__gte=_day(day)
    ).first()


@dataclass(frozen=True)
class Valuation:
    """An amount in the reporting currency and how it was found."""

    currency: str
    amount: Decimal
    rate: Decimal
    rate_date: datetime.date | None
    source: str


def convert(amount, from_per_usd, into_per_usd) -> tuple[Decimal, Decimal]:
    """(rate, converted amount) for `amount` of a currency worth `from_per_usd` per dollar
    into one worth `into_per_usd`: the rate rounded to 12 decimals, the amount to the cent,
    both half up. The one rule every valuation follows."""
    rate = (Decimal(into_per_usd) / Decimal(from_per_usd)).quantize(
        RATE_PLACES, rounding=ROUND_HALF_UP
    )
    return rate, (Decimal(amount) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


class RateBook:
    """Rates looked up once per currency and then read from memory: for valuing many rows
    (backfills, the register's facets). `lookup` may be replaced by a test."""

    def __init__(self):
        self._rates: dict[str, list[tuple[datetime.date, datetime.date, Decimal, str]]] = {}

    def rate(self, currency: str, day) -> tuple[Decimal, datetime.date, str] | None:
        currency = currency.upper()
        if currency not in self._rates:
            self._rates[currency] = list(
                ExchangeRate.objects.filter(currency=currency)
                .order_by("valid_from")
                .values_list("valid_from", "valid_to", "per_usd", "source")
            )
        day = _day(day)
        for valid_from, valid_to, per_usd, source in self._rates[currency]:
            if valid_from <= day <= valid_to:
                return per_usd, valid_from, source
        return None

    def value(self, amount, currency: str, day, *, into: str | None = None) -> Valuation | None:
        """`amount` of `currency` on `day` in `into` (the reporting currency by default), or
        None when a rate it needs is not recorded for that day."""
        if amount is None or not currency:
            return None
        currency, into = currency.upper(), (into or reporting_currency()).upper()
        amount = Decimal(amount)
        if currency == into:
            return Valuation(into, amount.quantize(CENT), Decimal(1), None, SAME_CURRENCY)
        legs = []
        for code in (currency, into):
            if code == BASE:
                legs.append((Decimal(1), None, ""))
                continue
            found = self.rate(code, day)
            if found is None:
                return None
            legs.append(found)
        (from_per_usd, from_date, from_source), (into_per_usd, into_date, into_source) = legs
        rate, converted = convert(amount, from_per_usd, into_per_usd)
        sources = [s for s in dict.fromkeys((from_source, into_source)) if s]
        return Valuation(
            currency=into,
            amount=converted,
            rate=rate,
            rate_date=from_date or into_date,
            source="; ".join(sources),
        )


def value(amount, currency: str, day, *, into: str | None = None) -> Valuation | None:
    """One amount valued at the rates in force on `day` (see `RateBook.value`)."""
    return RateBook().value(amount, currency, day, into=into)


def reporting_legs(legs, rate: Decimal) -> list[tuple[Decimal, Decimal]]:
    """The reporting debit and credit of each (debit, credit) line of a balanced entry at
    `rate`. Each side's total is the entry's total times the rate, rounded once; its lines are
    rounded one by one and the largest line of the side takes the rounding difference, so an
    entry's reporting debits always equal its reporting credits."""
    legs = [(Decimal(d or 0), Decimal(c or 0)) for d, c in legs]
    total = sum(d for d, _c in legs)

    def side(index):
        amounts = [leg[index] for leg in legs]
        values = [
            (a * rate).quantize(CENT, rounding=ROUND_HALF_UP) if a else CENT * 0 for a in amounts
        ]
        target = (total * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        present = [i for i, a in enumerate(amounts) if a]
        if present:
            largest = max(present, key=lambda i: amounts[i])
            values[largest] += target - sum(values[i] for i in present)
        return values

    return list(zip(side(0), side(1), strict=True))
