"""The register's values in the reporting currency: each signed agreement with a value is
valued at the rate in force on its signature date (`marketplace/finance/rates.py`), stored on
the agreement and its facet row by `facets.refresh` (every write goes through it). A register
value is an estimate, so a changed value, date or rate revalues it.

An agreement signed with a value whose currency had no rate that day is a data-quality flag:
`without_rate()` lists them, the register's listing filters on them and the statistics page
counts them. Recording the rate revalues them (`rate_steps.py`)."""

from marketplace.core.reporting import REPORTING_FIELDS, reporting_values
from marketplace.finance.rates import RateBook
from register.models import PartnershipAgreement


def valuation_of(book: RateBook, value, currency, signed_on):
    if value is None or not currency or signed_on is None:
        return None
    return book.value(value, currency, signed_on)


def store_valuations(rows, book: RateBook | None = None) -> dict[int, object]:
    """Value `rows` of (pk, value, currency, signed_on, *stored reporting fields) and write the
    agreements whose stored valuation differs. Returns {pk: reporting amount or None}."""
    book = book or RateBook()
    amounts, changed = {}, []
    for pk, value, currency, signed_on, *stored in rows:
        valuation = valuation_of(book, value, currency, signed_on)
        values = reporting_values(valuation)
        amounts[pk] = values["reporting_amount"]
        if [values[field] for field in REPORTING_FIELDS] != list(stored):
            changed.append(PartnershipAgreement(pk=pk, **values))
    if changed:
        PartnershipAgreement.objects.bulk_update(changed, REPORTING_FIELDS, batch_size=1000)
    return amounts


def without_rate():
    """Signed agreements with a value and currency but no value in the reporting currency."""
    return PartnershipAgreement.objects.filter(
        signed_on__isnull=False,
        value__isnull=False,
        reporting_amount__isnull=True,
    ).exclude(currency="")
