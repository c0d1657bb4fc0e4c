"""Valuing money in the reporting currency: each document, payment and journal entry gets the
rate in force on its date (`rates.py`) when it is written; one without a rate is stored blank
and raises a finance flag (`FlagKind.MISSING_RATE`, one per currency and day), never a silent
1.0.

When the missing rate is recorded later, `apply_rates` values every row still blank, resolves
the flags it answered, and runs `RATES_RECORDED` so the register values its agreements. It runs
by itself at the end of each import and admin save of a rate (the rows waiting for a rate are
exactly what the person recording it wants filled, and doing it in the same transaction means
no period where the rate exists but the figures ignore it), and as `manage.py
apply_exchange_rates` for a catch-up (e.g. after changing REPORTING_CURRENCY).

The date of each row: a document's issue date, a payment's value date (else when it was
received), a journal entry's date.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from marketplace.core.reporting import reporting_values
from marketplace.finance.hooks import RATES_RECORDED
from marketplace.finance.models import (
    CreditNote,
    Invoice,
    JournalEntry,
    JournalLine,
    PaymentAcknowledgement,
    Receipt,
)
from marketplace.finance.rates import RateBook, reporting_currency, reporting_legs
from marketplace.payments.models import Flag, FlagKind, Payment
from marketplace.payments.states import RECEIVED_STATES

DOCUMENTS = (Receipt, Invoice, CreditNote, PaymentAcknowledgement)
FLAG_PREFIX = "missing_rate:"


def flag_missing_rate(currency: str, day, *, what: str, pledge=None, payment=None) -> Flag:
    """One open flag per currency, reporting currency and day, naming the first row found
    without a value (the others of that day share it)."""
    into = reporting_currency()
    day = day if not hasattr(day, "hour") else timezone.localdate(day)
    flag, _created = Flag.objects.get_or_create(
        key=f"{FLAG_PREFIX}{currency}:{into}:{day.isoformat()}",
        defaults={
            "kind": FlagKind.MISSING_RATE,
            "pledge": pledge,
            "payment": payment,
            "message": (
                f"No rate of exchange {currency} → {into} in force on {day.isoformat()}: "
                f"{what} (and any other amount of that day in {currency}) has no {into} "
                "value. Record the rate (import or the admin); the values fill in then."
            ),
        },
    )
    return flag


def value_document(document, *, book: RateBook | None = None) -> None:
    """Set a new document's reporting fields, or flag the missing rate (before its first save)."""
    book = book or RateBook()
    valuation = book.value(document.amount, document.currency, document.issued_at)
    document.set_reporting(valuation)
    if valuation is None:
        flag_missing_rate(
            document.currency,
            document.issued_at,
            what=f"{document._meta.verbose_name} {document.number}",
            pledge=document.pledge,
        )


def payment_day(payment):
    return payment.value_date or payment.succeeded_at or payment.created_at


def value_payment(payment, *, book: RateBook | None = None) -> None:
    """Store a received payment's reporting value (once; flag when the rate is missing)."""
    if payment.reporting_amount is not None:
        return
    book = book or RateBook()
    valuation = book.value(payment.amount, payment.currency, payment_day(payment))
    if valuation is None:
        flag_missing_rate(
            payment.currency,
            payment_day(payment),
            what=f"payment {payment.bank_reference or payment.public_id}",
            pledge=payment.pledge,
            payment=payment,
        )
        return
    values = reporting_values(valuation)
    Payment.objects.filter(pk=payment.pk, reporting_amount__isnull=True).update(**values)
    for field, value in values.items():
        setattr(payment, field, value)


def _value_entry(entry, book) -> bool:
    valuation = book.value(entry.amount_total, entry.currency, entry.date)
    if valuation is None:
        return False
    lines = list(entry.lines.order_by("pk"))
    split = reporting_legs([(line.debit, line.credit) for line in lines], valuation.rate)
    for line, (debit, credit) in zip(lines, split, strict=True):
        JournalLine.objects.filter(pk=line.pk).fill_line_reporting(
            reporting_debit=debit, reporting_credit=credit
        )
    values = reporting_values(valuation)
    values["reporting_amount"] = sum(debit for debit, _credit in split)
    JournalEntry.objects.filter(pk=entry.pk).fill_reporting(**values)
    return True


def unvalued_counts() -> dict[str, int]:
    """How many rows of each kind have an amount but no reporting value."""
    counts = {model._meta.verbose_name_plural: _blank(model).count() for model in DOCUMENTS}
    counts["payments"] = _blank(Payment).filter(status__in=RECEIVED_STATES).count()
    counts["journal entries"] = _blank(JournalEntry).count()
    return {str(k): v for k, v in counts.items()}


def _blank(model):
    return model.objects.filter(reporting_amount__isnull=True)


@transaction.atomic
def apply_rates(book: RateBook | None = None) -> dict[str, int]:
    """Value every row still without a reporting value for which a rate is now recorded,
    resolve the missing-rate flags now answered, and let the register value its agreements.
    Returns how many rows of each kind were valued. Safe to run again (it finds nothing)."""
    book = book or RateBook()
    counts: dict[str, int] = {}
    for model in DOCUMENTS:
        done = 0
        for document in _blank(model).order_by("pk").iterator(chunk_size=500):
            valuation = book.value(document.amount, document.currency, document.issued_at)
            if valuation is not None:
                done += model.objects.filter(pk=document.pk).fill_reporting(
                    **reporting_values(valuation)
                )
        counts[str(model._meta.verbose_name_plural)] = done
    done = 0
    for payment in _blank(Payment).filter(status__in=RECEIVED_STATES).order_by("pk"):
        valuation = book.value(payment.amount, payment.currency, payment_day(payment))
        if valuation is not None:
            done += Payment.objects.filter(pk=payment.pk, reporting_amount__isnull=True).update(
                **reporting_values(valuation)
            )
    counts["payments"] = done
    entries = _blank(JournalEntry).order_by("pk")
    counts["journal entries"] = sum(_value_entry(entry, book) for entry in _with_totals(entries))
    for result in RATES_RECORDED.collect(book):
        counts.update(result)
    counts["flags resolved"] = resolve_answered_flags(book)
    return counts


def _with_totals(entries):
    for entry in entries.iterator(chunk_size=500):
        entry.amount_total = sum(line.debit for line in entry.lines.all())
        yield entry


def resolve_answered_flags(book: RateBook) -> int:
    """Close each open missing-rate flag whose rate is now recorded."""
    resolved = 0
    for flag in Flag.objects.filter(kind=FlagKind.MISSING_RATE, resolved_at__isnull=True):
        currency, into, day = flag.key.removeprefix(FLAG_PREFIX).split(":")
        if book.value(1, currency, datetime.date.fromisoformat(day), into=into):
            flag.resolved_at = timezone.now()
            flag.resolution = "The rate was recorded; the amounts of that day are valued."
            flag.save(update_fields=["resolved_at", "resolution"])
            resolved += 1
    return resolved
