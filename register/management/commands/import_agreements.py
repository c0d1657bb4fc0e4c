"""`python manage.py import_agreements FILE [--dry-run] [--update] [--user EMAIL]`"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from register.importing import import_agreements


class Command(BaseCommand):
    help = (
        "Import partnership agreements from a CSV file (the register's columns). All or "
        "nothing: any invalid row and nothing is stored; every error of the file is printed "
        "as 'line N: column: reason' (the first 200, then 'and N more'). Rows are matched by "
        "reference (case and spaces ignored); a row that would change a stored agreement is "
        "refused unless --update is given, and --dry-run lists the fields each would change. "
        "Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite stored agreements whose reference the file names",
        )
        parser.add_argument("--user", help="email of the person the audit trail names")

    def handle(self, *args, file, dry_run, update, user, **options):
        person = None
        if user:
            person = get_user_model().objects.filter(email__iexact=user).first()
            if person is None:
                raise CommandError(f"--user: no account has the email {user!r}.")
        try:
            with open(file, encoding="utf-8-sig", newline="") as stream:
                result = import_agreements(
                    stream, dry_run=dry_run, update=update, user=person, source="import command"
                )
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}")
        if dry_run or update:
            for change in result.updates:
                self.stdout.write(f"line {change.line}: {change.reference} would change:")
                for column, old, new in change.changes:
                    self.stdout.write(f"  {column}: {old!r} -> {new!r}")
            if result.more_updates:
                self.stdout.write(f"and {result.more_updates} more changed agreements")
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(
                f"{result.error_count} error(s) in {file}: nothing was imported.", returncode=1
            )
        prefix = "Dry run: " if dry_run else ""
        self.stdout.write(prefix + result.summary())
