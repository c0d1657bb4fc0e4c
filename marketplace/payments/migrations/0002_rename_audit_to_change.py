# PaymentEvent is renamed PaymentChange (so "Event" means a conference) and built on
# core.audit.StateChange: same rows, wider state columns, verbose names.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(
            old_name='PaymentEvent',
            new_name='PaymentChange',
        ),
        migrations.AlterModelOptions(
            name='paymentchange',
            options={
                'ordering': ['at', 'pk'],
                'verbose_name': 'payment history entry',
                'verbose_name_plural': 'payment history',
            },
        ),
        migrations.AlterField(
            model_name='paymentchange',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='paymentchange',
            name='at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='paymentchange',
            name='from_state',
            field=models.CharField(blank=True, max_length=20, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='paymentchange',
            name='to_state',
            field=models.CharField(max_length=20, verbose_name='to'),
        ),
        migrations.AlterField(
            model_name='paymentchange',
            name='reason',
            field=models.TextField(blank=True, verbose_name='reason'),
        ),
    ]
