"""rest_framework.authtoken is gone: its table held every API token in plain text. Drop it (the
tokens stop working anyway) and forget its migrations, so re-adding the app would start clean."""

from django.db import migrations

DROP = [
    "DROP TABLE IF EXISTS authtoken_token",
    "DELETE FROM django_migrations WHERE app = 'authtoken'",
]


class Migration(migrations.Migration):
    dependencies = [("api_tokens", "0001_initial")]

    operations = [
        migrations.RunSQL(sql=DROP, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
