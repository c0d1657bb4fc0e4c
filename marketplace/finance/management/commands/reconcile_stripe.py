"""`python manage.py reconcile_stripe [--payout po_…] [--since YYYY-MM-DD]`: read Stripe's paid
payouts and their balance transactions, record and post the fees and the payouts
(`marketplace/finance/payouts.py`), then compare Stripe's balance with the clearing account.
Safe to run again: what was read before changes nothing. Exit 1 when the balance differs."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from marketplace.finance import payouts, stripe_balance
from marketplace.finance.management.commands._dates import iso_date
from marketplace.payments import stripe_gateway


class Command(BaseCommand):
    help = (
        "Reconcile Stripe: one payout (--payout po_…) or every payout paid since a date "
        f"(--since, default {payouts.RECONCILE_DAYS} days ago), their fees, and the balance check."
    )

    def add_arguments(self, parser):
        parser.add_argument("--payout", help="one payout id, po_…")
        parser.add_argument("--since", help="YYYY-MM-DD: payouts and transactions created since")

    def handle(self, *args, **options):
        if not stripe_gateway.is_configured():
            raise CommandError("Stripe is not configured (STRIPE_SECRET_KEY): nothing to read.")
        payout_id = (options.get("payout") or "").strip()
        if payout_id and not payout_id.startswith("po_"):
            raise CommandError(f"--payout: {payout_id!r} is not a Stripe payout id (po_…).")
        since = iso_date(options.get("since"), "--since")
        if payout_id and since:
            raise CommandError("Give --payout or --since, not both.")
        try:
            if payout_id:
                done = [payouts.reconcile_payout(payout_id)]
            else:
                since = since or timezone.localdate() - datetime.timedelta(
                    days=payouts.RECONCILE_DAYS
                )
                done = payouts.reconcile_recent(since=since)
            for result in done:
                self.stdout.write(result.line())
            if not done:
                self.stdout.write(f"No paid payout since {since}.")
            differences = [] if payout_id else stripe_balance.check_balance()
        except (stripe_gateway.GatewayError, payouts.PayoutError) as error:
            raise CommandError(str(error))
        for difference in differences:
            self.stdout.write(
                f"BALANCE DIFFERS {difference.currency}: Stripe {difference.stripe}, "
                f"clearing account {difference.ledger} (flagged)"
            )
        if not payout_id and not differences:
            self.stdout.write("Stripe's balance agrees with the clearing account.")
        if differences:
            sys.exit(1)
