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


# What each part of a balance sums, and the lookup naming its pledge: read one pledge at a time
# (`balance_of`) or a page of them at once (`balances_of`), from these same querysets.
def _received():
    return Payment.objects.filter(status__in=RECEIVED_STATES), "pledge_id"


def _refunded():
    return Refund.objects.exclude(status=RefundStatus.FAILED), "payment__pledge_id"


def _invoiced():
    return Invoice.objects.filter(void_note__isnull=True), "pledge_id"


def _credited():
    return CreditNote.objects.all(), "pledge_id"


PARTS = {"received": _received, "refunded": _refunded, "invoiced": _invoiced, "credited": _credited}
ADJUSTED = {
    "written_off": Sum("amount"),
    "bank_charges": Sum("amount", filter=Q(kind=AdjustmentKind.BANK_CHARGE)),
}


def _balance(pledge, sums: dict) -> Balance:
    return Balance(
        total=pledge.total,
        currency=pledge.currency,
        status=pledge.status,
        **{name: sums.get(name) or ZERO for name in (*PARTS, *ADJUSTED)},
    )


def balance_of(pledge) -> Balance:
    """The pledge's balance, read now (five aggregate queries)."""
    sums = {}
    for name, part in PARTS.items():
        queryset, lookup = part()
        sums[name] = queryset.filter(**{lookup: pledge.pk}).aggregate(s=Sum("amount"))["s"]
    sums.update(Adjustment.objects.filter(pledge_id=pledge.pk).aggregate(**ADJUSTED))
    return _balance(pledge, sums)


def balances_of(pledges) -> dict:
    """{pledge pk: its `Balance`} for many pledges at once, the same numbers as `balance_of`
    for each, in five grouped queries whatever their number (none for no pledges). For lists,
    to-do lists and dashboards; a move that locks one pledge reads `balance_of`."""
    pledges = list(pledges)
    pks = [pledge.pk for pledge in pledges]
    sums: dict[int, dict] = {pk: {} for pk in pks}
    if not pks:
        return {}
    for name, part in PARTS.items():
        queryset, lookup = part()
        rows = (
            queryset.filter(**{f"{lookup}__in": pks})
            .order_by()
            .values(lookup)
            .annotate(s=Sum("amount"))
            .values_list(lookup, "s")
        )
        for pk, amount in rows:
            sums[pk][name] = amount
    for row in (
        Adjustment.objects.filter(pledge_id__in=pks)
        .order_by()
        .values("pledge_id")
        .annotate(**ADJUSTED)
    ):
        sums[row["pledge_id"]].update(
            written_off=row["written_off"], bank_charges=row["bank_charges"]
        )
    return {pledge.pk: _balance(pledge, sums[pledge.pk]) for pledge in pledges}
