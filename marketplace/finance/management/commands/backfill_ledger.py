"""`python manage.py backfill_ledger`: post the money events recorded before the ledger existed
(idempotent: an event already posted is skipped)."""

from django.core.management.base import BaseCommand

from marketplace.finance import backfill


class Command(BaseCommand):
    help = (
        "Post journal entries for invoices, payments, paid pledges, refunds and credit notes "
        "recorded before the ledger; safe to run again."
    )

    def handle(self, *args, **options):
        counts = backfill.backfill()
        self.stdout.write(
            ", ".join(f"{kind}: {count}" for kind, count in counts.items()) + " posted."
        )
