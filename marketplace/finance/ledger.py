"""The double-entry ledger: every money event posts one balanced journal entry, in the
transaction of the event, and never changes afterwards.

The chart of accounts is `settings.LEDGER_ACCOUNTS` (key → code and name; the keys below are
what the code posts to). Each line may carry the event as its cost object (always on revenue).

    invoice issued          Dr receivable          Cr revenue (event)
    sale on payment         Dr receivable          Cr revenue (event)   a pledge paid without
                                                                        an invoice (card)
    payment received        Dr stripe_clearing     Cr receivable        card
                            Dr bank                Cr receivable        bank transfer
    refund paid             Dr receivable          Cr stripe_clearing | bank
    credit note             Dr refunds             Cr receivable        correcting a receipt
                            Dr revenue             Cr receivable        voiding an invoice
    Stripe fee              Dr fees                Cr stripe_clearing
    Stripe payout           Dr bank                Cr stripe_clearing
    bank charge             Dr bank_charges        Cr receivable        (or another account)
    write-off               Dr write_offs          Cr receivable
    unallocated receipt     Dr bank                Cr unallocated
    allocation              Dr unallocated         Cr receivable
    unallocated returned    Dr unallocated         Cr bank

Each entry also carries its value in the reporting currency at the rate in force on its date
(`rates.py`): the rate, its date and source on the entry, a reporting debit or credit on each
line, the entry's reporting debits equal to its reporting credits. Without a rate they are
blank and a finance flag asks for it (`reporting.py`).

So the receivable of a pledge is what it was invoiced (or sold) less what it paid, and it
reads zero once a pledge is paid, refunded and credited. Every entry is in one currency and
balances (checked here before anything is written; `check_ledger` proves it afterwards and that
the ledger agrees with the documents and payments). `source` names the event
(`invoice:<pk>`, `payment:<pk>`, ...) and is unique, so a step that runs twice posts once.

Who posts: `invoices.issue_invoice` and `credit_notes.issue_credit_note` (one call each), and
the declared steps in `pledge_steps.py` (payment received, pledge paid, refund completed). The
functions with plain arguments (bank charge, write-off, unallocated receipt, allocation,
return, Stripe fee) are for the services that record those events.
"""

from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal

from django.conf import settings
from django.db import connections
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.core.reporting import reporting_values
from marketplace.finance.models import JournalEntry, JournalLine, PostingKind
from marketplace.finance.rates import RateBook, reporting_legs
from marketplace.finance.reporting import flag_missing_rate, value_payment
from marketplace.payments import stripe_gateway
from marketplace.payments.states import RECEIVED_STATES
from marketplace.pledges.models import PaymentMethod

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

RECEIVABLE = "receivable"
BANK = "bank"
STRIPE_CLEARING = "stripe_clearing"
UNALLOCATED = "unallocated"
REVENUE = "revenue"
REFUNDS = "refunds"
FEES = "fees"
BANK_CHARGES = "bank_charges"
WRITE_OFFS = "write_offs"
ACCOUNTS = (
    RECEIVABLE,
    BANK,
    STRIPE_CLEARING,
    UNALLOCATED,
    REVENUE,
    REFUNDS,
    FEES,
    BANK_CHARGES,
    WRITE_OFFS,
)


class LedgerError(ValueError):
    """A posting that would not balance, names an unknown account or an amount that is not
    money. Nothing is written."""


def chart() -> dict[str, dict]:
    return settings.LEDGER_ACCOUNTS


def account_code(key: str) -> str:
    return str(chart().get(key, {}).get("code", key))


def account_name(key: str) -> str:
    return str(chart().get(key, {}).get("name", key))


@dataclass(frozen=True)
class Leg:
    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    event_id: int | None = None


def money(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError as error:
        raise LedgerError(f"{value!r} is not an amount.") from error
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise LedgerError(f"{value!r} is not a positive amount with at most two decimals.")
    return amount.quantize(CENT)


def _day(value) -> Date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, Date) and not hasattr(value, "hour"):
        return value
    return timezone.localdate(value)


def post(
    kind: str,
    source: str,
    *,
    legs: list[Leg],
    currency: str,
    date=None,
    document: str = "",
    description: str = "",
    organisation_id=None,
    pledge=None,
    payment=None,
    refund=None,
    invoice=None,
    credit_note=None,
    actor=None,
    known_new: bool = False,
) -> JournalEntry:
    """Write one journal entry and its lines in the caller's transaction, or return the entry
    already posted for `source` (`known_new`: the caller has just checked there is none).
    Raises `LedgerError` (and writes nothing) when an account is not in the chart, an amount is
    not positive money, a line is both debit and credit, or the debits do not equal the
    credits."""
    if not known_new:
        existing = JournalEntry.objects.filter(source=source).first()
        if existing is not None:
            return existing
    if len(legs) < 2:
        raise LedgerError("An entry needs at least two lines.")
    debits = credits = ZERO
    for leg in legs:
        if leg.account not in chart():
            raise LedgerError(f"{leg.account!r} is not an account of LEDGER_ACCOUNTS.")
        if (leg.debit > 0) == (leg.credit > 0) or leg.debit < 0 or leg.credit < 0:
            raise LedgerError("Each line is a debit or a credit, above zero.")
        debits += money(leg.debit) if leg.debit else ZERO
        credits += money(leg.credit) if leg.credit else ZERO
    if debits != credits:
        raise LedgerError(f"{source}: debits {debits} ≠ credits {credits} ({currency}).")
    currency = (currency or "").strip().upper()
    if len(currency) != 3:
        raise LedgerError(f"{currency!r} is not a currency code.")
    day = _day(date)
    valuation = RateBook().value(debits, currency, day)
    if valuation is None:
        flag_missing_rate(
            currency, day, what=f"journal entry {source}", pledge=pledge, payment=payment
        )
        reported = [(None, None)] * len(legs)
    else:
        reported = reporting_legs([(leg.debit, leg.credit) for leg in legs], valuation.rate)
    entry = JournalEntry(
        source=source,
        kind=kind,
        date=day,
        currency=currency,
        document=document[:100],
        description=str(description)[:255],
        organisation_id=organisation_id,
        pledge=pledge,
        payment=payment,
        refund=refund,
        invoice=invoice,
        credit_note=credit_note,
        posted_by=actor if actor is not None and actor.is_authenticated else None,
        **reporting_values(valuation),
    )
    if valuation is not None:
        entry.reporting_amount = sum(debit for debit, _credit in reported)
    lines = [
        JournalLine(
            account=leg.account,
            debit=leg.debit,
            credit=leg.credit,
            event_id=leg.event_id,
            reporting_debit=reporting_debit,
            reporting_credit=reporting_credit,
        )
        for leg, (reporting_debit, reporting_credit) in zip(legs, reported, strict=True)
    ]
    if connections[JournalEntry.objects.db].vendor == "postgresql":
        _insert_in_one_statement(entry, lines)
    else:
        entry.save()
        for line in lines:
            line.entry = entry
        JournalLine.objects.bulk_create(lines)
    return entry


def _insert_in_one_statement(entry: JournalEntry, lines: list[JournalLine]) -> None:
    """PostgreSQL: the entry and its lines in one INSERT ... RETURNING (a data-modifying CTE),
    so posting costs the money event one round trip instead of two."""
    entry_fields = [
        f
        for f in JournalEntry._meta.concrete_fields
        if not f.primary_key  # the database numbers it
    ]
    line_fields = ["account", "debit", "credit", "event_id", "reporting_debit", "reporting_credit"]
    connection = connections[JournalEntry.objects.db]
    entry_values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in entry_fields]
    line_rows = ", ".join(
        ["(%s, %s::numeric, %s::numeric, %s::bigint, %s::numeric, %s::numeric)"] * len(lines)
    )
    line_values = [
        value
        for line in lines
        for value in (
            line.account,
            line.debit,
            line.credit,
            line.event_id,
            line.reporting_debit,
            line.reporting_credit,
        )
    ]
    quote = connection.ops.quote_name
    sql = (  # only table and column names and placeholders are interpolated
        f"WITH e AS (INSERT INTO {quote(JournalEntry._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in entry_fields)}) "
        f"VALUES ({', '.join(['%s'] * len(entry_fields))}) RETURNING id) "
        f"INSERT INTO {quote(JournalLine._meta.db_table)} "
        f"(entry_id, {', '.join(quote(c) for c in line_fields)}) "
        f"SELECT e.id, v.account, v.debit, v.credit, v.event_id, v.reporting_debit, "
        f"v.reporting_credit FROM e, (VALUES {line_rows}) AS v(account, debit, credit, "
        f"event_id, reporting_debit, reporting_credit) RETURNING entry_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, entry_values + line_values)
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias


def _pair(debit_account, credit_account, amount, event_id=None) -> list[Leg]:
    amount = money(amount)
    return [
        Leg(debit_account, debit=amount, event_id=event_id),
        Leg(credit_account, credit=amount, event_id=event_id),
    ]


def cash_account(method: str) -> str:
    return STRIPE_CLEARING if method == PaymentMethod.CARD else BANK


# --- Documents and payments -------------------------------------------------------------


def post_invoice(invoice, *, actor=None) -> JournalEntry:
    """Invoice issued: the sponsor owes its amount, revenue of the pledge's event."""
    pledge = invoice.pledge
    return post(
        PostingKind.INVOICE,
        f"invoice:{invoice.pk}",
        legs=_pair(RECEIVABLE, REVENUE, invoice.amount, pledge.event_id),
        currency=invoice.currency,
        date=invoice.issued_at,
        document=invoice.number,
        description=f"Invoice {invoice.number}, pledge {pledge.reference}",
        organisation_id=invoice.organisation_id,
        pledge=pledge,
        invoice=invoice,
        actor=actor,
    )


def post_credit_note(note, *, actor=None) -> JournalEntry:
    """Credit note issued: it reduces what the sponsor owes. One correcting a receipt (a
    refund) is booked to refunds; one voiding an invoice reverses the revenue."""
    pledge = note.pledge
    debit = REFUNDS if getattr(note, "refund_id", None) else REVENUE
    return post(
        PostingKind.CREDIT_NOTE,
        f"credit_note:{note.pk}",
        legs=_pair(debit, RECEIVABLE, note.amount, pledge.event_id),
        currency=note.currency,
        date=note.issued_at,
        document=note.number,
        description=f"Credit note {note.number}, pledge {pledge.reference}",
        organisation_id=note.organisation_id,
        pledge=pledge,
        credit_note=note,
        refund=getattr(note, "refund", None) if getattr(note, "refund_id", None) else None,
        actor=actor,
    )


def payment_document(payment) -> str:
    return payment.bank_reference or payment.stripe_payment_intent or str(payment.public_id)


def post_payment(payment, *, pledge=None, actor=None) -> JournalEntry | None:
    """Money received: into the bank (transfer) or Stripe's clearing account (card), off the
    sponsor's receivable. Nothing for a payment not received or already posted (a payment
    made of unallocated money posts as any other; `post_allocation` then corrects the bank)."""
    if payment.status not in RECEIVED_STATES:
        return None
    already = JournalEntry.objects.filter(source=f"payment:{payment.pk}").first()
    if already is not None:
        return already
    pledge = pledge or payment.pledge
    value_payment(payment)
    return post(
        PostingKind.PAYMENT,
        f"payment:{payment.pk}",
        legs=_pair(cash_account(payment.method), RECEIVABLE, payment.amount, pledge.event_id),
        currency=payment.currency,
        date=payment.value_date or payment.succeeded_at,
        document=payment_document(payment),
        description=f"{payment.get_method_display()} for pledge {pledge.reference}",
        organisation_id=pledge.organisation_id,
        pledge=pledge,
        payment=payment,
        actor=actor,
        known_new=True,  # checked just above
    )


def recognised_revenue(pledge) -> Decimal:
    """Revenue booked for the pledge so far (credits less debits of revenue)."""
    totals = JournalLine.objects.filter(entry__pledge=pledge, account=REVENUE).aggregate(
        credit=Coalesce(Sum("credit"), Value(ZERO, output_field=DecimalField())),
        debit=Coalesce(Sum("debit"), Value(ZERO, output_field=DecimalField())),
    )
    return totals["credit"] - totals["debit"]


def post_sale(pledge, *, date=None, actor=None) -> JournalEntry | None:
    """A pledge paid: its revenue is its total. What an invoice has not already booked (a card
    pledge has no invoice) is booked now, as owed and at once paid."""
    recognised = recognised_revenue(pledge)
    missing = pledge.total - recognised
    if missing <= 0:
        return None
    return post(
        PostingKind.SALE,
        f"sale:{pledge.pk}",
        legs=_pair(RECEIVABLE, REVENUE, missing, pledge.event_id),
        currency=pledge.currency,
        date=date,
        document=pledge.reference,
        description=f"Pledge {pledge.reference} paid",
        organisation_id=pledge.organisation_id,
        pledge=pledge,
        actor=actor,
        known_new=not recognised,  # nothing booked yet for the pledge: no sale either
    )


def post_refund(refund, *, actor=None) -> JournalEntry:
    """Money given back: out of the account it came in through; the sponsor's receivable
    rises by it (the credit note, when there is one, brings it down again)."""
    payment = refund.payment
    pledge = payment.pledge
    return post(
        PostingKind.REFUND,
        f"refund:{refund.pk}",
        legs=_pair(RECEIVABLE, cash_account(payment.method), refund.amount, pledge.event_id),
        currency=refund.currency,
        date=refund.completed_at or refund.created_at,
        document=refund.stripe_refund_id or refund.bank_reference or str(refund.public_id),
        description=f"Refund of {payment_document(payment)}, pledge {pledge.reference}",
        organisation_id=pledge.organisation_id,
        pledge=pledge,
        payment=payment,
        refund=refund,
        actor=actor,
    )


def fee_from_balance_transaction(balance_transaction: dict) -> tuple[Decimal, str]:
    """Stripe's fee on a charge, from its balance transaction (`fee` in minor units of the
    balance transaction's `currency`, which is the account's settlement currency)."""
    currency = str(balance_transaction.get("currency") or "").upper()
    fee = balance_transaction.get("fee") or 0
    if not isinstance(fee, int) or fee < 0 or not currency:
        raise LedgerError("The balance transaction carries no fee.")
    return stripe_gateway.from_minor_units(fee, currency), currency


def post_stripe_fee(payment, amount, *, currency=None, date=None, document="", actor=None):
    """Stripe's fee on a card payment: an expense, out of the clearing account (Stripe pays
    out the amount less the fee). `document` is the balance transaction's id."""
    pledge = payment.pledge
    return post(
        PostingKind.STRIPE_FEE,
        f"stripe_fee:{payment.pk}:{document}",
        legs=_pair(FEES, STRIPE_CLEARING, amount, pledge.event_id),
        currency=currency or payment.currency,
        date=date or payment.succeeded_at,
        document=document or payment_document(payment),
        description=f"Stripe fee on {payment_document(payment)}",
        organisation_id=pledge.organisation_id,
        pledge=pledge,
        payment=payment,
        actor=actor,
    )


def post_payout(payout, *, date=None, actor=None) -> JournalEntry:
    """Stripe paid its balance out to the bank: out of the clearing account, into the bank.
    Posted once per payout (`payouts.reconcile_payout`); its bank statement line posts nothing."""
    return post(
        PostingKind.PAYOUT,
        f"payout:{payout.stripe_id}",
        legs=_pair(BANK, STRIPE_CLEARING, payout.amount),
        currency=payout.currency,
        date=date or payout.arrival_date,
        document=payout.stripe_id,
        description=f"Stripe payout {payout.stripe_id}",
        actor=actor,
    )


# --- Plain postings for the services that record them ----------------------------------


def _plain(
    kind,
    source,
    debit,
    credit,
    amount,
    currency,
    *,
    date,
    document,
    description,
    pledge=None,
    organisation=None,
    event=None,
    payment=None,
    actor=None,
):
    if not source:
        raise LedgerError("A posting needs its source (e.g. 'unallocated:12').")
    event_id = getattr(event, "pk", event) or (pledge.event_id if pledge is not None else None)
    return post(
        kind,
        source,
        legs=_pair(debit, credit, amount, event_id),
        currency=currency,
        date=date,
        document=document,
        description=description,
        organisation_id=getattr(organisation, "pk", organisation)
        or (pledge.organisation_id if pledge is not None else None),
        pledge=pledge,
        payment=payment,
        actor=actor,
    )


def post_bank_charge(
    amount,
    currency,
    *,
    source,
    date=None,
    document="",
    pledge=None,
    organisation=None,
    event=None,
    credit_account=RECEIVABLE,
    actor=None,
):
    """A small difference booked as bank charges (the sponsor's bank kept it): an expense,
    off the receivable it leaves unpaid (or `credit_account`, e.g. "unallocated")."""
    return _plain(
        PostingKind.BANK_CHARGE,
        source,
        BANK_CHARGES,
        credit_account,
        amount,
        currency,
        date=date,
        document=document,
        description="Bank charges",
        pledge=pledge,
        organisation=organisation,
        event=event,
        actor=actor,
    )


def post_write_off(
    amount,
    currency,
    *,
    source,
    date=None,
    document="",
    pledge=None,
    organisation=None,
    event=None,
    actor=None,
):
    """An amount the sponsor will not pay, written off as a bad debt."""
    return _plain(
        PostingKind.WRITE_OFF,
        source,
        WRITE_OFFS,
        RECEIVABLE,
        amount,
        currency,
        date=date,
        document=document,
        description="Written off",
        pledge=pledge,
        organisation=organisation,
        event=event,
        actor=actor,
    )


def post_unallocated_receipt(
    amount, currency, *, source, date=None, document="", organisation=None, actor=None
):
    """Money arrived in the bank that matches no pledge (yet): held as unallocated."""
    return _plain(
        PostingKind.UNALLOCATED_RECEIPT,
        source,
        BANK,
        UNALLOCATED,
        amount,
        currency,
        date=date,
        document=document,
        description="Unallocated receipt",
        organisation=organisation,
        actor=actor,
    )


def post_allocation(
    amount, currency, *, source, pledge, date=None, document="", payment=None, actor=None
):
    """Unallocated money applied to a pledge (or its invoice), off the unallocated account.
    Without a `payment`, straight off the sponsor's receivable. With the `Payment` the
    allocation recorded — which settlement already posted as money into the bank, off the
    receivable — post this after it: the money moves from unallocated to that payment
    (unallocated debit, bank credit), so the bank counts the transfer once, at its receipt."""
    return _plain(
        PostingKind.ALLOCATION,
        source,
        UNALLOCATED,
        BANK if payment is not None else RECEIVABLE,
        amount,
        currency,
        date=date,
        document=document,
        description=f"Allocated to {pledge.reference}",
        pledge=pledge,
        payment=payment,
        actor=actor,
    )


def post_unallocated_return(
    amount, currency, *, source, date=None, document="", organisation=None, actor=None
):
    """Unallocated money sent back to whoever sent it."""
    return _plain(
        PostingKind.UNALLOCATED_RETURN,
        source,
        UNALLOCATED,
        BANK,
        amount,
        currency,
        date=date,
        document=document,
        description="Unallocated money returned",
        organisation=organisation,
        actor=actor,
    )


# --- Reading the ledger ------------------------------------------------------------------


def balance(account: str, *, currency: str | None = None, pledge=None, as_of=None) -> Decimal:
    """Debits less credits of `account` (optionally of one pledge, up to a date)."""
    lines = JournalLine.objects.filter(account=account)
    if currency:
        lines = lines.filter(entry__currency=currency)
    if pledge is not None:
        lines = lines.filter(entry__pledge=pledge)
    if as_of is not None:
        lines = lines.filter(entry__date__lte=as_of)
    totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or ZERO) - (totals["c"] or ZERO)


def posted_payment_ids(pledge):
    """The ids of the pledge's payments the ledger has posted (as a subquery)."""
    return JournalEntry.objects.filter(
        pledge=pledge, kind=PostingKind.PAYMENT, payment__isnull=False
    ).values("payment_id")
