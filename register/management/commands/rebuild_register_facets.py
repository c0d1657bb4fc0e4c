"""`python manage.py rebuild_register_facets`: rewrite the search and statistics facet rows."""

from django.core.management.base import BaseCommand
from django.db import transaction

from register import facets, fulltext


class Command(BaseCommand):
    help = (
        "Rewrite the register's facet rows and full-text documents from the agreements (only "
        "needed after writing to the register's tables outside its services)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = facets.rebuild()
            fulltext.refresh_search_documents()
        self.stdout.write(f"Facets and search documents rewritten for {count} agreements.")
