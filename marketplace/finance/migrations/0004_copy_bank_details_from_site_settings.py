"""Copy the bank details from the cms site settings (where they lived) into the finance settings,
site by site. cms 0002 removes the old fields and runs after this one."""

from django.db import migrations

FIELDS = ["bank_name", "bank_account_holder", "bank_iban", "bank_bic", "bank_address"]


def copy_to_finance(apps, schema_editor):
    SiteSettings = apps.get_model("cms", "SiteSettings")
    FinanceSettings = apps.get_model("finance", "FinanceSettings")
    for old in SiteSettings.objects.all():
        values = {field: getattr(old, field) for field in FIELDS}
        if any(values.values()):
            FinanceSettings.objects.update_or_create(site_id=old.site_id, defaults=values)


def copy_back(apps, schema_editor):
    SiteSettings = apps.get_model("cms", "SiteSettings")
    FinanceSettings = apps.get_model("finance", "FinanceSettings")
    for new in FinanceSettings.objects.all():
        SiteSettings.objects.update_or_create(
            site_id=new.site_id, defaults={field: getattr(new, field) for field in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0003_finance_settings"),
        ("cms", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_to_finance, copy_back)]
