# PledgeEvent is renamed PledgeChange, so "Event" means a conference; rows are kept.

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('pledges', '0002_pledge_form_token'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(
            old_name='PledgeEvent',
            new_name='PledgeChange',
        ),
    ]
