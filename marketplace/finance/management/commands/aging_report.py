"""`python manage.py aging_report [--as-of YYYY-MM-DD] [--output FILE]`: receivables aging as
CSV (standard output by default)."""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from marketplace.finance import aging
from marketplace.finance.exports import neutralise
from marketplace.finance.management.commands._dates import iso_date


class Command(BaseCommand):
    help = (
        "Receivables aging at a date (default today) per organisation, event and currency: "
        "current, 1–30, 31–60, 61–90 and over 90 days past due, with totals per currency."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD")
        parser.add_argument("--output", metavar="FILE", help="default: standard output")

    def handle(self, *args, as_of=None, output=None, **options):
        day = iso_date(as_of, "--as-of") or timezone.localdate()
        rows = ([neutralise(str(cell)) for cell in row] for row in aging.csv_rows(day))
        if not output:
            csv.writer(self.stdout, lineterminator="\n").writerows(rows)
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                csv.writer(stream).writerows(rows)
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror or exc}")
        self.stderr.write(f"Aging at {day} written to {output}.")
