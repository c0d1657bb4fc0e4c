"""`python manage.py export_journal FILE --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx]`"""

from django.core.management.base import BaseCommand

from marketplace.finance import exports
from marketplace.finance.management.commands._dates import date_range
from marketplace.finance.management.commands.export_finance import write


class Command(BaseCommand):
    help = (
        "Write the ledger's journal lines dated in the range as CSV (date, entry, account, "
        "debit, credit, currency, event, document, organisation, ...), for the accounting "
        "system. Every entry balances per currency."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")

    def handle(self, *args, file, format="csv", **options):
        start, end = date_range(options)
        count = write(exports.JOURNAL, file, format, start, end)
        self.stderr.write(f"{count} journal lines written to {file}.")
