"""Audit models are named `…Change` ("Event" means a conference): rename the table, keep rows."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("fulfilment", "0002_benefit_units"),
    ]

    operations = [
        migrations.RenameModel(old_name="BenefitTaskEvent", new_name="BenefitTaskChange"),
    ]
