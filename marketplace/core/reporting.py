"""The shape of an amount valued in the reporting currency, shared by every app that stores
money (payments, finance documents and ledger, the register): what it is worth in
`settings.REPORTING_CURRENCY`, the rate used (reporting units per one unit of the original
currency), that rate's date (its `valid_from`) and its source.

The fields only: the rates and the conversion belong to finance (`marketplace/finance/rates.py`),
which fills them. A blank `reporting_amount` on a row with an amount means no rate was in force
on its date — a flag, never a silent 1.0.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

REPORTING_FIELDS = (
    "reporting_currency",
    "reporting_amount",
    "reporting_rate",
    "reporting_rate_date",
    "reporting_rate_source",
)


class ReportingValue(models.Model):
    reporting_currency = models.CharField(
        _("reporting currency"), max_length=3, blank=True, editable=False
    )
    reporting_amount = models.DecimalField(
        _("amount in the reporting currency"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    reporting_rate = models.DecimalField(
        _("rate of exchange"),
        max_digits=24,
        decimal_places=12,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Units of the reporting currency per unit of the original currency."),
    )
    reporting_rate_date = models.DateField(_("rate of"), null=True, blank=True, editable=False)
    reporting_rate_source = models.CharField(
        _("rate source"), max_length=200, blank=True, editable=False
    )

    class Meta:
        abstract = True

    def set_reporting(self, valuation) -> None:
        """Copy a valuation (`rates.Valuation`, or None for "no rate": fields blank)."""
        for field, value in reporting_values(valuation).items():
            setattr(self, field, value)


def reporting_values(valuation) -> dict:
    """The five fields of a valuation (all blank but the currency when there is none)."""
    if valuation is None:
        return {
            "reporting_currency": "",
            "reporting_amount": None,
            "reporting_rate": None,
            "reporting_rate_date": None,
            "reporting_rate_source": "",
        }
    return {
        "reporting_currency": valuation.currency,
        "reporting_amount": valuation.amount,
        "reporting_rate": valuation.rate,
        "reporting_rate_date": valuation.rate_date,
        "reporting_rate_source": valuation.source[:200],
    }
