"""Stripe's payouts reconciled with our payments, fees and bank.

Stripe pays a card payment out net of its fee, days later, together with others, in one payout.
For each payout (on `payout.paid`, and daily for the last days' payouts) this module reads the
payout's balance transactions through the SDK (every page), ties each charge to its payment (by
the charge's `payment_intent`, which settlement stored on the payment) and each refund to its
refund, records Stripe's fee per payment and posts it (fees Dr, Stripe clearing Cr), then posts
the payout itself (bank Dr, Stripe clearing Cr). What it cannot tie — a charge of no payment of
ours, a refund we never recorded, an adjustment, a charge settled in another currency — is
recorded and raised as a flag for finance, never guessed and never a crash.

Fees are posted here, from the balance transactions, and never at settlement: the webhook that
settles a payment does not carry the charge's balance transaction (it would cost a call to
Stripe inside the webhook's transaction), and posting in one place keeps each fee posted once
(`stripe_fee:<payment>:<txn>` is the entry's unique source). The daily run also records the
balance transactions created in its window that no payout carries yet, so the fees of money
still in Stripe are posted before the balance check compares.

Everything is keyed on Stripe's ids (`po_…`, `txn_…`, and the ledger's sources): reading the
same payout again changes nothing. The payout is posted to the bank once, here; its bank
statement line, when it arrives, is matched to it (`payout_matching.py`) and posts nothing.
Stripe's balance is compared with the clearing account daily (`stripe_balance.py`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.finance import ledger
from marketplace.finance.payout_records import (
    BalanceTransaction,
    Payout,
    PayoutChange,
    PayoutStatus,
)
from marketplace.payments import stripe_gateway
from marketplace.payments.models import FlagKind, Payment, Refund, RefundStatus
from marketplace.payments.moves import raise_flag

ZERO = Decimal("0.00")
# The daily run reads the payouts and balance transactions of this many past days.
RECONCILE_DAYS = 3
# Balance transactions that are the payout itself (or its reversal): not money of a payment.
PAYOUT_TYPES = frozenset({"payout", "payout_cancel", "payout_failure", "payout_minimum_balance"})
CHARGE_TYPES = frozenset({"charge", "payment"})
REFUND_TYPES = frozenset({"refund", "payment_refund"})


class PayoutError(ValueError):
    """A payout or balance transaction we cannot record as Stripe sent it; nothing written."""


@dataclass
class Reconciliation:
    """What reading one payout did: for the command's output and the webhook's outcome."""

    payout: Payout
    transactions: int = 0
    new: int = 0
    fees: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))
    flagged: int = 0
    posted: bool = False

    def line(self) -> str:
        fees = ", ".join(f"{cur} {amount}" for cur, amount in sorted(self.fees.items())) or "none"
        state = "posted" if self.posted else "already posted" if self.payout.reconciled_at else ""
        return (
            f"{self.payout.stripe_id} {self.payout.currency} {self.payout.amount} "
            f"({self.payout.status}): {self.transactions} transactions, {self.new} new, "
            f"fees {fees}, {self.flagged} flagged{', ' + state if state else ''}"
        )


def currency_of(obj: dict) -> str:
    """The ISO code of a Stripe object's `currency` (Stripe sends it lower-case)."""
    currency = str(obj.get("currency") or "").strip().upper()
    if len(currency) != 3:
        raise PayoutError(f"{obj.get('id')}: {currency!r} is not a currency code.")
    return currency


def stripe_amount(obj: dict, name: str, currency: str) -> Decimal:
    """The amount `obj[name]` (Stripe's minor units) as money; `PayoutError` if it is none."""
    value = obj.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PayoutError(f"{obj.get('id')}: {name} {value!r} is not an amount in minor units.")
    return stripe_gateway.from_minor_units(value, currency)


def _moment(timestamp) -> datetime.datetime | None:
    if not isinstance(timestamp, int):
        return None
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


def _day(timestamp) -> datetime.date | None:
    moment = _moment(timestamp)
    return timezone.localdate(moment) if moment else None


def _id(value) -> str:
    """An id Stripe sent as a string or as the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def log_step(payout: Payout, from_state: str, to_state: str, reason: str, actor=None) -> None:
    """One entry of the payout's history."""
    PayoutChange.objects.create(
        payout=payout,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


# --- Recording ----------------------------------------------------------------------------


@transaction.atomic
def record_payout(obj: dict, *, actor=None) -> Payout:
    """The payout as Stripe describes it (a `payout` object), recorded once by its id and kept
    up to date (status, amount); returned locked. Each status change is written to its
    history. Raises `PayoutError` for an object that is not a payout."""
    if obj.get("object") not in (None, "payout") or not str(obj.get("id") or "").startswith("po_"):
        raise PayoutError(f"{obj.get('id')!r} is not a Stripe payout.")
    currency = currency_of(obj)
    values = {
        "amount": stripe_amount(obj, "amount", currency),
        "currency": currency,
        "arrival_date": _day(obj.get("arrival_date")),
        "status": str(obj.get("status") or PayoutStatus.PENDING),
        "statement_descriptor": str(obj.get("statement_descriptor") or "")[:255],
        "balance_transaction_id": _id(obj.get("balance_transaction"))[:255],
    }
    if values["status"] not in PayoutStatus.values:
        raise PayoutError(f"{obj['id']}: unknown status {values['status']!r}.")
    payout, created = Payout.objects.get_or_create(stripe_id=obj["id"], defaults=values)
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if created:
        log_step(payout, "", payout.status, _("Recorded from Stripe."), actor)
    else:
        before = payout.status
        changed = [name for name, value in values.items() if getattr(payout, name) != value]
        for name in changed:
            setattr(payout, name, values[name])
        if changed:
            payout.save(update_fields=changed)
        if before != payout.status:
            log_step(payout, before, payout.status, _("Stripe reported the change."), actor)
    if payout.status == PayoutStatus.PAID and payout.paid_at is None:
        payout.paid_at = timezone.now()
        payout.save(update_fields=["paid_at"])
    return payout


def _kind(stripe_type: str) -> str:
    if stripe_type in CHARGE_TYPES:
        return BalanceTransaction.Type.CHARGE
    if stripe_type in REFUND_TYPES:
        return BalanceTransaction.Type.REFUND
    if stripe_type == "adjustment":
        return BalanceTransaction.Type.ADJUSTMENT
    return BalanceTransaction.Type.OTHER


def _tie(kind, stripe_type, source: dict, source_id, txn_id, currency, amount, fee):
    """(payment, refund, flag kind, problem) for a balance transaction."""
    money = f"{currency} {amount}"
    if kind == BalanceTransaction.Type.CHARGE:
        intent = _id(source.get("payment_intent"))
        payment = Payment.objects.filter(stripe_payment_intent=intent).first() if intent else None
        if payment is None:
            return (
                None,
                None,
                FlagKind.UNKNOWN_CHARGE,
                _(
                    "Stripe charge %(charge)s (%(money)s, fee %(fee)s, balance transaction "
                    "%(txn)s) matches no payment here (payment intent %(intent)s)."
                )
                % {
                    "charge": source_id or "—",
                    "money": money,
                    "fee": fee,
                    "txn": txn_id,
                    "intent": intent or "—",
                },
            )
        if payment.currency.upper() != currency:
            return (
                payment,
                None,
                FlagKind.CURRENCY_MISMATCH,
                _(
                    "Payment %(payment)s of %(paid)s was settled by Stripe as %(money)s "
                    "(%(txn)s): the conversion is not posted; book it by hand."
                )
                % {
                    "payment": payment,
                    "paid": f"{payment.currency} {payment.amount}",
                    "money": money,
                    "txn": txn_id,
                },
            )
        if amount != payment.amount:
            return (
                payment,
                None,
                FlagKind.AMOUNT_MISMATCH,
                _("Stripe charged %(money)s for payment %(payment)s of %(paid)s (%(txn)s).")
                % {
                    "money": money,
                    "payment": payment,
                    "paid": f"{payment.currency} {payment.amount}",
                    "txn": txn_id,
                },
            )
        return payment, None, "", ""
    if kind == BalanceTransaction.Type.REFUND:
        refund = (
            Refund.objects.select_related("payment").filter(stripe_refund_id=source_id).first()
            if source_id
            else None
        )
        if refund is not None:
            return refund.payment, refund, "", ""
        intent = _id(source.get("payment_intent"))
        payment = Payment.objects.filter(stripe_payment_intent=intent).first() if intent else None
        refund = _outside_refund(payment, source_id, currency, amount)
        if refund is not None:
            return payment, refund, "", ""
        return (
            payment,
            None,
            FlagKind.UNKNOWN_CHARGE,
            _("Stripe refund %(refund)s (%(money)s, %(txn)s) is not recorded here.")
            % {"refund": source_id or "—", "money": money, "txn": txn_id},
        )
    return (
        None,
        None,
        FlagKind.UNKNOWN_CHARGE,
        _("Stripe %(type)s %(txn)s of %(money)s (fee %(fee)s) is not posted: book it by hand.")
        % {"type": stripe_type or kind, "txn": txn_id, "money": money, "fee": fee},
    )


def _outside_refund(payment, refund_id, currency, amount) -> Refund | None:
    """A refund made in Stripe's dashboard, which `charge.refunded` recorded without Stripe's
    refund id: the payment's refund of that amount no balance transaction names yet, given its
    id now."""
    if payment is None or not refund_id or payment.currency.upper() != currency:
        return None
    refund = (
        Refund.objects.filter(
            payment=payment,
            stripe_refund_id__isnull=True,
            status=RefundStatus.SUCCEEDED,
            amount=-amount,
        )
        .exclude(pk__in=BalanceTransaction.objects.filter(refund__isnull=False).values("refund"))
        .order_by("created_at", "pk")
        .first()
    )
    if refund is not None:
        refund.stripe_refund_id = refund_id
        refund.save(update_fields=["stripe_refund_id"])
    return refund


def record_transaction(txn: dict, *, payout: Payout | None = None) -> BalanceTransaction | None:
    """One balance transaction, recorded once by its id: tied to its payment (or refund), its
    fee posted to the ledger, a flag raised for what cannot be tied. A transaction already
    recorded only learns its payout. None for the payout's own transaction."""
    stripe_type = str(txn.get("type") or "")
    if stripe_type in PAYOUT_TYPES:
        return None
    txn_id = str(txn.get("id") or "")
    if not txn_id.startswith("txn_"):
        raise PayoutError(f"{txn_id!r} is not a Stripe balance transaction.")
    existing = BalanceTransaction.objects.filter(stripe_id=txn_id).first()
    if existing is not None:
        if payout is not None and existing.payout_id is None:
            existing.payout = payout
            existing.save(update_fields=["payout"])
        return existing
    currency = currency_of(txn)
    amount, net = stripe_amount(txn, "amount", currency), stripe_amount(txn, "net", currency)
    fee = ledger.fee_from_balance_transaction(txn)[0]
    if amount - fee != net:
        raise PayoutError(f"{txn_id}: amount {amount} less fee {fee} is not the net {net}.")
    source = txn.get("source") if isinstance(txn.get("source"), dict) else {}
    source_id = _id(txn.get("source"))
    kind = _kind(stripe_type)
    payment, refund, flag_kind, problem = _tie(
        kind, stripe_type, source, source_id, txn_id, currency, amount, fee
    )
    created = _moment(txn.get("created")) or timezone.now()
    try:
        with transaction.atomic():
            record = BalanceTransaction.objects.create(
                stripe_id=txn_id,
                type=kind,
                stripe_type=stripe_type[:40],
                reporting_category=str(txn.get("reporting_category") or "")[:40],
                source_id=source_id[:255],
                amount=amount,
                fee=fee,
                net=net,
                currency=currency,
                created=created,
                available_on=_day(txn.get("available_on")),
                payment=payment,
                refund=refund,
                payout=payout,
                problem=problem,
            )
    except IntegrityError:  # recorded meanwhile by another run
        return record_transaction(txn, payout=payout)
    if payment is not None and fee > 0:
        ledger.post_stripe_fee(
            payment, fee, currency=currency, date=timezone.localdate(created), document=txn_id
        )
    if problem:
        raise_flag(flag_kind, txn_id, problem, payment=payment)
    return record


# --- Reconciling ----------------------------------------------------------------------------


def reconcile_payout(payout, *, actor=None) -> Reconciliation:
    """Read the payout (its id or Stripe's object) and its balance transactions, record and post
    them, then post the payout (bank Dr, Stripe clearing Cr) — once, however often it is read.
    A payout not yet paid is recorded and left for later. Raises `GatewayError` when Stripe
    cannot be read (nothing is written then: the task retries)."""
    obj = stripe_gateway.retrieve_payout(payout) if isinstance(payout, str) else payout
    if obj.get("status") != PayoutStatus.PAID:
        return Reconciliation(payout=record_payout(obj, actor=actor))
    # Read from Stripe before any lock is taken: the network is not waited for in a transaction.
    transactions = stripe_gateway.list_balance_transactions(payout=obj["id"])
    with transaction.atomic():
        record = record_payout(obj, actor=actor)
        result = Reconciliation(payout=record)
        before = set(record.transactions.values_list("stripe_id", flat=True))
        for txn in transactions:
            row = record_transaction(txn, payout=record)
            if row is None:
                continue
            result.transactions += 1
            if row.stripe_id not in before:
                result.new += 1
            result.fees[row.currency] += row.fee
            result.flagged += bool(row.problem)
        net = record.totals()["net"]
        if net != record.amount:
            raise_flag(
                FlagKind.UNKNOWN_CHARGE,
                f"{record.stripe_id}:net",
                _(
                    "Stripe payout %(payout)s of %(amount)s carries balance transactions "
                    "netting %(net)s."
                )
                % {
                    "payout": record.stripe_id,
                    "amount": f"{record.currency} {record.amount}",
                    "net": f"{record.currency} {net}",
                },
            )
            result.flagged += 1
        if record.reconciled_at is None:
            if record.amount > 0:
                ledger.post_payout(record, actor=actor)
            record.reconciled_at = timezone.now()
            record.save(update_fields=["reconciled_at"])
            log_step(
                record,
                record.status,
                "reconciled",
                _("%(count)s balance transactions read; posted to the bank.")
                % {"count": result.transactions},
                actor,
            )
            result.posted = True
    return result


def reconcile_recent(*, since: datetime.date, actor=None) -> list[Reconciliation]:
    """The daily run: the balance transactions created since `since` (so the fees of money
    still in Stripe are posted), then every payout paid since then."""
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=datetime.UTC)
    transactions = stripe_gateway.list_balance_transactions(created_since=start)
    with transaction.atomic():
        for txn in transactions:
            record_transaction(txn)
    return [
        reconcile_payout(obj, actor=actor)
        for obj in stripe_gateway.list_payouts(created_since=start)
    ]
