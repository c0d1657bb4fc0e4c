"""`python manage.py partnership_stats --by region|area|type|category|year [--value]
[--from YEAR] [--to YEAR]`"""

import csv

from django.core.management.base import BaseCommand, CommandError

from register.choices import AgreementType
from register.management.stdout import CommandOutput
from register.stats import (
    DIMENSIONS,
    YearOutOfRange,
    agreement_stats,
    check_year,
    value_by_currency,
)


class Command(BaseCommand):
    help = (
        "Print agreements per year as CSV: 'year,<one column per code>,total'. By region or "
        "area: new agreements (addenda excluded), an agreement with k codes counting 1/k in "
        "each. Without --from/--to, the years that have agreements (years are 1950–2100). "
        "By type: every agreement, addenda in their own column. By category: new "
        "agreements per partner category. By year: new agreements, addenda and both; with "
        "--value instead the stated value per year and currency, then the total in the "
        "reporting currency (total_USD: each agreement at the UN rate of its signature date) "
        "and how many stated values lack a rate (without_rate)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, choices=[*DIMENSIONS, "year"])
        parser.add_argument(
            "--value", action="store_true", help="With --by year: values, not counts."
        )
        parser.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
        parser.add_argument("--to", dest="year_to", type=int, metavar="YEAR")

    def handle(self, *args, by, year_from, year_to, value=False, **options):
        try:
            check_year(year_from, "--from")
            check_year(year_to, "--to")
        except YearOutOfRange as exc:
            raise CommandError(f"{exc}.", returncode=2)
        if year_from and year_to and year_from > year_to:
            raise CommandError("--from must not be after --to.")
        if value and by != "year":
            raise CommandError("--value goes with --by year.")
        writer = csv.writer(CommandOutput(self.stdout), lineterminator="\n")
        if by == "year" and value:
            writer.writerows(value_by_currency(year_from, year_to).csv_rows())
        elif by == "year":
            writer.writerows(_counts_by_year(year_from, year_to))
        else:
            writer.writerows(agreement_stats(by, year_from, year_to).csv_rows())


def _counts_by_year(year_from, year_to) -> list[list[str]]:
    table = agreement_stats("type", year_from, year_to)
    addenda = table.codes.index(AgreementType.ADDENDUM)
    return [["year", "new", "addenda", "total"]] + [
        [
            str(row.year),
            str(row.total - row.values[addenda]),
            str(row.values[addenda]),
            str(row.total),
        ]
        for row in table.rows
    ]
