"""One balance per pledge: what it was invoiced, received, refunded, credited and written off,
what it still owes (`due`) and what it holds unapplied (`held`). Computed here only.

Finance sees every part of it — the payments below it and its own documents and adjustments —
so the computation lives here. The apps below read it without importing finance:
`marketplace/payments/balance.py` calls the calculator this module registers at start-up
(`FinanceConfig.ready`, like `events.availability.set_counter`); the pledge pages read it
through the `pledge_money` template tags. Every page, email, PDF and API answer uses it.

The rules:
* `outstanding` = total − written off − received net of refunds, never below zero: what would
  settle the pledge whatever its state (settlement asks it of a late payment);
* `due` = `outstanding` while the pledge can still be paid (held, awaiting approval or
  payment); a paid, refunded, cancelled, expired or rejected pledge owes nothing;
* `held` = money received that is not applied: beyond what the pledge needs, or all of it for
  a pledge that no longer takes payment (cancelled, expired, rejected), until finance refunds
  or re-applies it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from marketplace.finance.models import Adjustment, AdjustmentKind, CreditNote, Invoice
from marketplace.payments.models import Payment, Refund, RefundStatus
from marketplace.payments.states import RECEIVED_STATES
from marketplace.pledges.states import PledgeState

ZERO = Decimal("0.00")

# A pledge in these states can still be asked for money.
OWING_STATES = (PledgeState.HELD, PledgeState.AWAITING_APPROVAL, PledgeState.AWAITING_PAYMENT)
# A pledge in these states takes no money: whatever it received is held for a decision.
CLOSED_STATES = (PledgeState.CANCELLED, PledgeState.EXPIRED, PledgeState.REJECTED)


@dataclass(frozen=True)
class Balance:
    total: Decimal
    currency: str
    status: str
    invoiced: Decimal
    received: Decimal
    refunded: Decimal
    credited: Decimal
    written_off: Decimal
    bank_charges: Decimal

    @property
    def net(self) -> Decimal:
        """Received, net of refunds."""
        return self.received - self.refunded

    @property
    def outstanding(self) -> Decimal:
        """What would settle the pledge, whatever its state."""
        return max(self.total - self.written_off - self.net, ZERO)

    @property
    def due(self) -> Decimal:
        """Still to pay: never negative, and nothing once paid, refunded or closed."""
        return self.outstanding if self.status in OWING_STATES else ZERO

    @property
    def excess(self) -> Decimal:
        """Received beyond what would settle the pledge, whatever its state."""
        return max(self.net - (self.total - self.written_off), ZERO)

    @property
    def held(self) -> Decimal:
        """Received but not applied to the pledge (to be refunded or re-applied)."""
        if self.status in CLOSED_STATES:
            return max(self.net, ZERO)
        return self.excess

    @property
    def over(self) -> Decimal:
        """Received beyond what the pledge needs (the admin's "over-paid")."""
        return self.held

    @property
    def settled(self) -> bool:
        return self.outstanding == 0

    @property
    def adjusted(self) -> Decimal:
        """Written off, bank charges included."""
        return self.written_off


def _sum(queryset, field="amount") -> Decimal:
    return queryset.aggregate(s=Sum(field))["s"] or ZERO


def balance_of(pledge) -> Balance:
    """The pledge's balance, read now (five aggregate queries)."""
    received = _sum(Payment.objects.filter(pledge=pledge, status__in=RECEIVED_STATES))
    refunded = _sum(
        Refund.objects.filter(payment__pledge=pledge).exclude(status=RefundStatus.FAILED)
    )
    invoiced = _sum(Invoice.objects.filter(pledge=pledge, void_note__isnull=True))
    credited = _sum(CreditNote.objects.filter(pledge=pledge))
    adjustments = Adjustment.objects.filter(pledge=pledge).aggregate(
        all=Sum("amount"), charges=Sum("amount", filter=Q(kind=AdjustmentKind.BANK_CHARGE))
    )
    return Balance(
        total=pledge.total,
        currency=pledge.currency,
        status=pledge.status,
        invoiced=invoiced,
        received=received,
        refunded=refunded,
        credited=credited,
        written_off=adjustments["all"] or ZERO,
        bank_charges=adjustments["charges"] or ZERO,
    )
