"""The register's model was renamed from `Agreement` to `PartnershipAgreement` (migration
register 0005): a database migrated before keeps its content type and every group's grants,
under the new codenames, and the admin URLs keep their names and paths.

The migration's own step (content type and permissions renamed in place) is run here both ways
on the test database; its state operations are checked by `makemigrations --check` in CI."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from register.models import PartnershipAgreement

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "register.migrations.0005_rename_agreement_to_partnershipagreement"
)
rename_back = migration.rename_bookkeeping(migration.NEW, migration.OLD)
rename = migration.rename_bookkeeping(migration.OLD, migration.NEW)


def test_the_rename_keeps_the_content_type_and_the_grants():
    content_type = ContentType.objects.get_for_model(PartnershipAgreement)
    group = Group.objects.create(name="Readers of the register")
    group.permissions.add(
        Permission.objects.get(content_type=content_type, codename="view_partnershipagreement")
    )

    rename_back(apps, None)  # as the database was before the rename
    assert ContentType.objects.get(pk=content_type.pk).model == "agreement"
    assert set(group.permissions.values_list("codename", flat=True)) == {"view_agreement"}

    rename(apps, None)
    assert ContentType.objects.get(pk=content_type.pk).model == "partnershipagreement"
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_partnershipagreement"
    }
    assert not Permission.objects.filter(
        content_type__app_label="register", codename__endswith="_agreement"
    ).exists()
    assert PartnershipAgreement._meta.db_table == "register_agreement"

    rename(apps, None)  # run twice (or on a new database): changes nothing
    assert ContentType.objects.get(pk=content_type.pk).model == "partnershipagreement"


def test_admin_urls_keep_their_names_and_paths():
    assert (
        reverse("wagtailsnippets_register_agreement:list") == "/admin/snippets/register/agreement/"
    )
