"""Does Stripe hold what our books say it holds? The daily check (`reconcile_stripe`): Stripe's
balance, available and pending, per currency, against the ledger's Stripe clearing account.
Once the day's fees are posted (`payouts.reconcile_recent`) the two agree; a currency that
differs raises a flag for finance, one per currency and day."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.finance import ledger
from marketplace.finance.models import JournalLine
from marketplace.finance.payouts import ZERO, currency_of, stripe_amount
from marketplace.payments import stripe_gateway
from marketplace.payments.models import FlagKind
from marketplace.payments.moves import raise_flag


@dataclass(frozen=True)
class BalanceDifference:
    currency: str
    stripe: Decimal
    ledger: Decimal


def check_balance(*, today: datetime.date | None = None) -> list[BalanceDifference]:
    """Compare Stripe's balance (available + pending, per currency) with the ledger's Stripe
    clearing account; each currency that differs raises a flag (one per currency and day)."""
    today = today or timezone.localdate()
    balance = stripe_gateway.retrieve_balance()
    stripe_totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for part in ("available", "pending"):
        for item in balance.get(part) or []:
            currency = currency_of(item)
            stripe_totals[currency] += stripe_amount(item, "amount", currency)
    currencies = set(stripe_totals) | set(
        JournalLine.objects.filter(account=ledger.STRIPE_CLEARING)
        .values_list("entry__currency", flat=True)
        .distinct()
    )
    differences = []
    for currency in sorted(currencies):
        ours = ledger.balance(ledger.STRIPE_CLEARING, currency=currency)
        theirs = stripe_totals[currency]
        if ours == theirs:
            continue
        differences.append(BalanceDifference(currency, theirs, ours))
        raise_flag(
            FlagKind.STRIPE_BALANCE,
            f"{currency}:{today.isoformat()}",
            _(
                "On %(day)s Stripe holds %(stripe)s (available and pending) but the Stripe "
                "clearing account reads %(ours)s: a difference of %(difference)s."
            )
            % {
                "day": today.isoformat(),
                "stripe": f"{currency} {theirs}",
                "ours": f"{currency} {ours}",
                "difference": f"{currency} {theirs - ours}",
            },
        )
    return differences
