"""`python manage.py export_iati FILE`: IATI 2.03 activities of the publishable agreements."""

from django.core.management.base import BaseCommand, CommandError

from register.iati import write_activities


class Command(BaseCommand):
    help = (
        "Write the publishable partnership agreements as an IATI 2.03 activities XML file "
        "(reporting organisation from IATI_REPORTING_ORG_REF / _NAME / _TYPE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="output XML file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "wb") as stream:
                count = write_activities(stream)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}")
        self.stdout.write(f"{count} IATI activities written to {file}.")
