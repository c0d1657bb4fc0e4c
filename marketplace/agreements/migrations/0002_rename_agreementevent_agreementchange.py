"""Audit models are named `…Change` ("Event" means a conference): rename the table, keep rows."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("agreements", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="AgreementEvent", new_name="AgreementChange"),
    ]
