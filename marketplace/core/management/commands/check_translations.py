"""`manage.py check_translations`: refresh the catalogues from the code, then fail on any
untranslated or fuzzy entry (CI runs it, so a new string cannot land untranslated).

Needs GNU gettext (`msgmerge`, `xgettext`) for the refresh, as `makemessages` does; with
`--no-refresh` it only reads the catalogues as they are.
"""

import shutil

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from marketplace.core.translations import CATALOGUES, catalogue_paths, problems_in

# What makemessages must not read: the virtualenv, tests and benches (not shipped), run data.
IGNORED = [".venv", "tests", "bench", "var", "node_modules"]


class Command(BaseCommand):
    help = "Refresh locale/ from the code and fail on untranslated or fuzzy entries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-refresh",
            action="store_true",
            help="Check the catalogues as they are, without running makemessages first.",
        )

    def handle(self, *args, no_refresh=False, verbosity=1, **options):
        if not no_refresh:
            if not shutil.which("msgmerge") or not shutil.which("xgettext"):
                raise CommandError(
                    "GNU gettext is needed to refresh the catalogues (apt-get install gettext), "
                    "or pass --no-refresh."
                )
            call_command(
                "makemessages",
                locale=list(CATALOGUES),
                ignore_patterns=IGNORED,
                no_obsolete=True,
                verbosity=0,
            )
        locale_dir = settings.LOCALE_PATHS[0]
        problems = []
        for path in catalogue_paths(locale_dir):
            if not path.exists():
                raise CommandError(f"{path} is missing.")
            problems.extend(problems_in(path))
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(
                f"{len(problems)} catalogue entries need a translator "
                "(untranslated, fuzzy or wrong plural forms): see above."
            )
        if verbosity:
            self.stdout.write(
                f"All {len(CATALOGUES)} catalogues complete: no untranslated or fuzzy entry."
            )
