"""Gap-free document numbers per series and calendar year: RCPT, INV, CN, ACK.

`next_number` must run inside the transaction that writes the document. It locks the
(series, year) row, so concurrent issuers queue one behind the other; when a transaction rolls
back, its increment rolls back with it and the next issuer takes the same number. Numbers are
therefore 1..N without a gap or a duplicate, whatever the concurrency.
"""

from dataclasses import dataclass

from django.db import connection
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
    called inside `transaction.atomic()`: the number belongs to that transaction.

    One statement takes the row lock and the number (`UPDATE … RETURNING`), so the lock is
    taken once, as late as the caller calls this, and held only until its commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that issues the document")
    year = year or timezone.localdate().year
    last = _increment(series, year)
    if last is None:
        # The first number of the year: create the row (a concurrent creator makes this a
        # no-op rather than an error), then take the number as usual.
        Sequence.objects.bulk_create(
            [Sequence(series=series, year=year, last=0)], ignore_conflicts=True
        )
        last = _increment(series, year)
    return Number(series, year, last)


def _increment(series: str, year: int) -> int | None:
    """`last + 1` of the (series, year) row, locked until the transaction ends; None if the
    row does not exist yet."""
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "series" = %s AND "year" = %s '  # noqa: S608 - our own table name
            'RETURNING "last"',
            [series, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None
