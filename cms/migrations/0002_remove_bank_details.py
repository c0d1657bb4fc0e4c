"""The bank details moved to the finance settings; finance 0004 copied them there first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("finance", "0004_copy_bank_details_from_site_settings"),
    ]

    operations = [
        migrations.RemoveField(model_name="sitesettings", name="bank_name"),
        migrations.RemoveField(model_name="sitesettings", name="bank_account_holder"),
        migrations.RemoveField(model_name="sitesettings", name="bank_iban"),
        migrations.RemoveField(model_name="sitesettings", name="bank_bic"),
        migrations.RemoveField(model_name="sitesettings", name="bank_address"),
    ]
