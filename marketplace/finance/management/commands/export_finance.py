"""`python manage.py export_finance KIND FILE [--format csv|xlsx] [--from D] [--to D]`."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.finance import exports
from marketplace.finance.management.commands._dates import date_range


class Command(BaseCommand):
    help = (
        "Export finance records (payments, receipts, invoices, credit notes, journal, and any "
        "other registered export) as CSV or XLSX, streamed; --from/--to filter by date."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(sorted(exports.EXPORTS)))
        parser.add_argument("file")
        parser.add_argument("--format", choices=["csv", "xlsx"], default=None)
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")

    def handle(self, *args, kind, file, format=None, **options):
        export = exports.EXPORTS.get(kind)
        if export is None:
            raise CommandError(
                f"{kind!r} is not an export; choose one of {', '.join(sorted(exports.EXPORTS))}."
            )
        start, end = date_range(options)
        fmt = format or ("xlsx" if file.lower().endswith(".xlsx") else "csv")
        count = write(export, file, fmt, start, end)
        self.stderr.write(f"{count} rows of {kind} written to {file}.")


def write(export, file, fmt, start, end) -> int:
    rows = export.rows(export.queryset(start, end))
    try:
        if fmt == "xlsx":
            with open(file, "wb") as stream:
                return exports.write_xlsx(export, rows, stream)
        with open(file, "w", encoding="utf-8", newline="") as stream:
            return exports.write_csv(export, rows, stream)
    except OSError as exc:
        raise CommandError(f"{file}: {exc.strerror or exc}")
