"""`python manage.py backup DEST_DIR`: the database, private files and media, with a manifest."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or SQLite's online backup), the private files and "
        "the media into DEST_DIR, with a manifest.json of SHA-256 sums."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="A new (or empty) folder for this backup.")

    def handle(self, *args, dest, **options):
        try:
            manifest = create_backup(dest)
        except BackupError as exc:
            raise CommandError(str(exc))
        for name, part in manifest["parts"].items():
            self.stdout.write(f"{name}: {part['file']} ({part['size']} bytes) {part['sha256']}")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {dest}."))
