"""`python manage.py import_agreements FILE [--dry-run] [--user EMAIL]`"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sponsors.register.importing import import_agreements


class Command(BaseCommand):
    help = (
        "Import partnership agreements from a CSV file (the register's columns). All or "
        "nothing: any invalid row and nothing is stored; each error is printed as "
        "'line N: column: reason'. Rows are matched by reference; importing the same file "
        "twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
        parser.add_argument("--user", help="email of the person the audit trail names")

    def handle(self, *args, file, dry_run, user, **options):
        person = None
        if user:
            person = get_user_model().objects.filter(email__iexact=user).first()
            if person is None:
                raise CommandError(f"--user: no account has the email {user!r}.")
        try:
            with open(file, encoding="utf-8-sig", newline="") as stream:
                result = import_agreements(
                    stream, dry_run=dry_run, user=person, source="import command"
                )
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}")
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} error(s) in {file}: nothing was imported.", returncode=1
            )
        prefix = "Dry run: " if dry_run else ""
        self.stdout.write(prefix + result.summary())
