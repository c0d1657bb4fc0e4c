"""`python manage.py partnership_stats --by region|area|type [--from YEAR] [--to YEAR]`"""

import csv

from django.core.management.base import BaseCommand, CommandError

from sponsors.register.management.stdout import CommandOutput
from sponsors.register.stats import DIMENSIONS, agreement_stats


class Command(BaseCommand):
    help = (
        "Print agreements per year as CSV: 'year,<one column per code>,total'. By region or "
        "area: new agreements (addenda excluded), an agreement with k codes counting 1/k in "
        "each. By type: every agreement, addenda in their own column. By category: new "
        "agreements per partner category."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, choices=list(DIMENSIONS))
        parser.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
        parser.add_argument("--to", dest="year_to", type=int, metavar="YEAR")

    def handle(self, *args, by, year_from, year_to, **options):
        if year_from and year_to and year_from > year_to:
            raise CommandError("--from must not be after --to.")
        table = agreement_stats(by, year_from, year_to)
        writer = csv.writer(CommandOutput(self.stdout), lineterminator="\n")
        writer.writerows(table.csv_rows())
