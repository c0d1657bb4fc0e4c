"""`python manage.py void_stale_invoices [--dry-run]`: void, by a credit note referring to it,
the open invoice of every pledge cancelled, expired or rejected before closing a pledge voided
its invoice (`marketplace/finance/backfill.py`). Run once after upgrading; safe to run again."""

from django.core.management.base import BaseCommand

from marketplace.finance import backfill


class Command(BaseCommand):
    help = (
        "Void by a credit note each open invoice of a pledge already cancelled, expired or "
        "rejected; --dry-run lists them and changes nothing. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the invoices; void nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        voided = backfill.void_stale_invoices(dry_run=dry_run)
        for reference, invoice, note in voided:
            if dry_run:
                self.stdout.write(f"{invoice} ({reference}) would be voided.")
            else:
                self.stdout.write(f"{invoice} ({reference}) voided by {note}.")
        verb = "would be voided" if dry_run else "voided"
        self.stdout.write(f"{len(voided)} invoice(s) of closed pledges {verb}.")
