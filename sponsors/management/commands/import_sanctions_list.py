"""python manage.py import_sanctions_list FILE — load the UN Security Council Consolidated List
(its published XML) and screen every organisation against it."""

from django.core.management.base import BaseCommand, CommandError

from sponsors.sanctions import SanctionsListError, parse_consolidated_list, store_entries
from sponsors.screening import screen_organisations


class Command(BaseCommand):
    help = (
        "Load the UN Security Council Consolidated List (XML, as published) in one transaction, "
        "then screen every sponsor organisation, its contacts and members against it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the Consolidated List XML file")
        parser.add_argument(
            "--no-screen", action="store_true", help="load the list without screening"
        )

    def handle(self, *args, file, no_screen=False, **options):
        try:
            with open(file, "rb") as stream:
                entries, generated_at = parse_consolidated_list(stream)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        except SanctionsListError as exc:
            raise CommandError(f"{file}: {exc} Nothing was imported.") from exc
        result = store_entries(entries, generated_at)
        generated = f", generated {generated_at:%Y-%m-%d %H:%M}" if generated_at else ""
        self.stdout.write(
            f"Sanctions list{generated}: {len(entries)} entries "
            f"({result.added} added, {result.updated} updated, {result.delisted} delisted)."
        )
        if no_screen:
            return
        screening = screen_organisations(source="import")
        self.stdout.write(
            f"Screened {screening.organisations} organisations ({screening.names} names): "
            f"{len(screening.new_matches)} new possible matches to review."
        )
