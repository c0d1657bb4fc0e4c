"""Rename the register's `Agreement` to `PartnershipAgreement`, so the project has one model per
name (the marketplace's e-signed sponsorship agreement keeps `agreements.Agreement`).

Only the model's name changes: the table keeps its name (`db_table`), so nothing is rewritten in
the database but two rows of bookkeeping done here by hand, because a `RenameModel` inside
`SeparateDatabaseAndState` is not seen by contenttypes: the content type is renamed in place
(its id, and so Wagtail's revisions, log entries and references, stay), and the model's
permissions take the new codenames (`register.view_agreement` → `register.
view_partnershipagreement`) keeping every group's and user's grants.
"""

from django.db import migrations

OLD, NEW = "agreement", "partnershipagreement"
ACTIONS = ("add", "change", "delete", "view")


def rename_bookkeeping(old, new):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        content_type = ContentType.objects.filter(app_label="register", model=old).first()
        if content_type is None:  # a new database: contenttypes creates it after migrating
            return
        if ContentType.objects.filter(app_label="register", model=new).exists():
            return  # already renamed (or created by a post_migrate of the new code): keep it
        content_type.model = new
        content_type.save(update_fields=["model"])
        for action in ACTIONS:
            Permission.objects.filter(
                content_type=content_type, codename=f"{action}_{old}"
            ).update(codename=f"{action}_{new}")
        ContentType.objects.clear_cache()

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0004_publishable_and_import_jobs"),
        # The migrations that point at the model by its old name run before the rename.
        ("agreements", "0002_rename_agreementevent_agreementchange"),
        ("pipeline", "0001_resource_mobilisation"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("Agreement", "PartnershipAgreement"),
                migrations.AlterModelTable("partnershipagreement", "register_agreement"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_bookkeeping(OLD, NEW), rename_bookkeeping(NEW, OLD)),
    ]
