"""`python manage.py restore SRC_DIR`: a verified backup into an empty database and folders."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and empty file "
        "folders, after checking every part against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("src", help="The backup's folder (with manifest.json).")

    def handle(self, *args, src, **options):
        try:
            manifest = restore_backup(src)
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} ({manifest['engine']}, "
                f"{len(manifest['migrations'])} apps' migrations)."
            )
        )
