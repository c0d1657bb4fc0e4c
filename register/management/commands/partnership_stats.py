"""`python manage.py partnership_stats --by region|area|type [--from YEAR] [--to YEAR]`"""

import csv

from django.core.management.base import BaseCommand, CommandError

from register.management.stdout import CommandOutput
from register.stats import DIMENSIONS, YearOutOfRange, agreement_stats, check_year


class Command(BaseCommand):
    help = (
        "Print agreements per year as CSV: 'year,<one column per code>,total'. By region or "
        "area: new agreements (addenda excluded), an agreement with k codes counting 1/k in "
        "each. Without --from/--to, the years that have agreements (years are 1950–2100). "
        "By type: every agreement, addenda in their own column. By category: new "
        "agreements per partner category."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, choices=list(DIMENSIONS))
        parser.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
        parser.add_argument("--to", dest="year_to", type=int, metavar="YEAR")

    def handle(self, *args, by, year_from, year_to, **options):
        try:
            check_year(year_from, "--from")
            check_year(year_to, "--to")
        except YearOutOfRange as exc:
            raise CommandError(f"{exc}.", returncode=2)
        if year_from and year_to and year_from > year_to:
            raise CommandError("--from must not be after --to.")
        table = agreement_stats(by, year_from, year_to)
        writer = csv.writer(CommandOutput(self.stdout), lineterminator="\n")
        writer.writerows(table.csv_rows())
