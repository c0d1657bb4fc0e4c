"""The register's model was renamed from `Agreement` to `PartnershipAgreement` (migration
register 0005): a database migrated before keeps its content type and every group's grants,
under the new codenames, and the admin URLs keep their names and paths."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from register.models import PartnershipAgreement

BEFORE = [("register", "0004_publishable_and_import_jobs")]


def migrate(targets=None):
    """Migrate the test database to `targets`, or back to the latest of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_rename_keeps_the_content_type_and_the_grants():
    content_type = ContentType.objects.get_for_model(PartnershipAgreement)
    group = Group.objects.create(name="Readers of the register")
    group.permissions.add(
        Permission.objects.get(content_type=content_type, codename="view_partnershipagreement")
    )

    migrate(BEFORE)  # as the database was before the rename (and what depends on it undone)
    try:
        ContentType.objects.clear_cache()
        assert ContentType.objects.get(pk=content_type.pk).model == "agreement"
        assert set(group.permissions.values_list("codename", flat=True)) == {"view_agreement"}
    finally:
        migrate()  # the rename, and every later migration, again
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=content_type.pk).model == "partnershipagreement"
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_partnershipagreement"
    }
    assert not Permission.objects.filter(
        content_type__app_label="register", codename__endswith="_agreement"
    ).exists()
    assert PartnershipAgreement._meta.db_table == "register_agreement"


def test_admin_urls_keep_their_names_and_paths():
    assert (
        reverse("wagtailsnippets_register_agreement:list") == "/admin/snippets/register/agreement/"
    )
