"""Gap-free document numbers per series and calendar year: RCPT, INV, CN, ACK.

`next_number` must run inside the transaction that writes the document. It locks the
(series, year) row, so concurrent issuers queue one behind the other; when a transaction rolls
back, its increment rolls back with it and the next issuer takes the same number. Numbers are
therefore 1..N without a gap or a duplicate, whatever the concurrency.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from marketplace.finance.models import Sequence

RECEIPT = "RCPT"
INVOICE = "INV"
CREDIT_NOTE = "CN"
ACKNOWLEDGEMENT = "ACK"
DIGITS = 5


@dataclass(frozen=True)
class Number:
    series: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return format_number(self.series, self.year, self.sequence)


def format_number(series: str, year: int, sequence: int) -> str:
    return f"{series}-{year}-{sequence:0{DIGITS}d}"


def next_number(series: str, year: int | None = None) -> Number:
    """Take the next number of `series` for `year` (the current year by default). Must be
    called inside `transaction.atomic()`: the number belongs to that transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that issues the document")
    year = year or timezone.localdate().year
    # Create the year's row if it is the first number of the year; a concurrent creator makes
    # this a no-op rather than an error.
    Sequence.objects.bulk_create(
        [Sequence(series=series, year=year, last=0)], ignore_conflicts=True
    )
    with transaction.atomic():
        row = Sequence.objects.select_for_update().get(series=series, year=year)
        row.last += 1
        row.save(update_fields=["last"])
    return Number(series, year, row.last)
