"""`python manage.py import_bank_statement FILE [--format camt053|mt940|csv] [--profile NAME]
[--account IBAN] [--user EMAIL]`: import a bank statement and print its summary line,
`matched 12, partly 1, unallocated 2, duplicates 0, ignored 3`. A refused file prints why
(line or entry, reason), exits non-zero and stores nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from marketplace.finance.statements.importer import import_statement
from marketplace.finance.statements.parsing import StatementError


class Command(BaseCommand):
    help = "Import a bank statement (CAMT.053, MT940 or CSV) and match its lines."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["camt053", "mt940", "csv"], default=None)
        parser.add_argument("--profile", default=None, help="CSV profile (BANK_CSV_PROFILES)")
        parser.add_argument(
            "--account", default="", help="IBAN of the account, when the file names none"
        )
        parser.add_argument("--user", default="", help="email of who imports (the audit)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(email__iexact=options["user"]).first()
            if actor is None:
                raise CommandError(f"--user: nobody has the email {options['user']}.")
        try:
            result = import_statement(
                path.read_bytes(),
                file_name=path.name,
                actor=actor,
                fmt=options["format"],
                profile=options["profile"],
                account=options["account"],
            )
        except StatementError as error:
            raise CommandError(f"{path.name} refused, nothing imported: {error.message}")
        self.stdout.write(result.summary)
