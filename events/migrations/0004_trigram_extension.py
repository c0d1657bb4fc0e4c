"""pg_trgm for the catalogue search's near matches (events/search.py); nothing on SQLite."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("events", "0003_sponsorship_target_tier_rank_wall_headings")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop)]
