"""`python manage.py export_agreements [FILE]` (standard output when no file)."""

from django.core.management.base import BaseCommand, CommandError

from register.exporting import export_agreements
from register.management.stdout import CommandOutput


class Command(BaseCommand):
    help = (
        "Export the partnership register as CSV (UTF-8, the import's columns; cells a "
        "spreadsheet would run as formulas are prefixed with a quote)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="output file (default: standard output)")

    def handle(self, *args, file=None, **options):
        if not file:
            export_agreements(CommandOutput(self.stdout))
            return
        try:
            with open(file, "w", encoding="utf-8", newline="") as stream:
                count = export_agreements(stream)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}")
        self.stderr.write(f"{count} agreements written to {file}.")
