"""`python manage.py ensure_roles`: create or complete the staff groups and their permissions."""

from django.core.management.base import BaseCommand

from marketplace.core.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or complete the staff groups (organisers, approvers, finance, partnerships)."

    def handle(self, *args, **options):
        names = ensure_roles()
        self.stdout.write(f"Staff groups ready: {', '.join(names)}.")
