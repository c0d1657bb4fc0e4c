"""`python manage.py import_exchange_rates FILE`"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marketplace.finance.rate_import import COLUMNS, RateFileRefused, import_rates


class Command(BaseCommand):
    help = (
        f"Import rates of exchange from a CSV file ({','.join(COLUMNS)}; per_usd = units of the "
        "currency per US dollar, the UN operational rate; dates YYYY-MM-DD, both included). "
        "The whole file is refused, with each bad line's number and reason, if any line is "
        "bad or overlaps another rate at a different figure; lines already stored are "
        "unchanged. The amounts waiting for these rates are valued at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from None
        try:
            result = import_rates(text)
        except RateFileRefused as refused:
            for line, reason in refused.problems:
                self.stderr.write(f"{file}, line {line}: {reason}")
            raise CommandError(
                f"{file} refused: {len(refused.problems)} problem(s); nothing was stored."
            ) from None
        valued = ", ".join(f"{kind} {n}" for kind, n in result.valued.items() if n)
        self.stdout.write(
            f"{result.created} rates imported, {result.unchanged} unchanged"
            + (f"; valued: {valued}" if valued else "")
            + "."
        )
