"""The bank details moved from the cms site settings to the finance settings: the migrations
copy each site's values before the old fields go, and put them back when reversed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("finance", "0003_finance_settings"), ("cms", "0001_initial")]
AFTER = [
    ("finance", "0004_copy_bank_details_from_site_settings"),
    ("cms", "0002_remove_bank_details"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_site_settings_bank_details_reach_the_finance_settings_and_back(tree):
    site_id = tree[0].get_site().pk
    old = _migrate(BEFORE)
    old.get_model("cms", "SiteSettings").objects.update_or_create(
        site_id=site_id,
        defaults={
            "organisation_name": "Telecommunication Development Bureau",
            "bank_name": "Banque Cantonale de Genève",
            "bank_account_holder": "BDT sponsorship",
            "bank_iban": "CH93 0076 2011 6238 5295 7",
            "bank_bic": "BCGECHGGXXX",
            "bank_address": "Quai de l'Île 17, Geneva",
        },
    )
    try:
        new = _migrate(AFTER)
        copied = new.get_model("finance", "FinanceSettings").objects.get(site_id=site_id)
        assert (copied.bank_name, copied.bank_account_holder, copied.bank_iban) == (
            "Banque Cantonale de Genève",
            "BDT sponsorship",
            "CH93 0076 2011 6238 5295 7",
        )
        assert (copied.bank_bic, copied.bank_address) == ("BCGECHGGXXX", "Quai de l'Île 17, Geneva")

        back = _migrate(BEFORE)
        restored = back.get_model("cms", "SiteSettings").objects.get(site_id=site_id)
        assert restored.bank_iban == "CH93 0076 2011 6238 5295 7"
        assert restored.organisation_name == "Telecommunication Development Bureau"
    finally:
        # Back to the latest of every app (not just AFTER: later migrations, such as the
        # ledger's, were undone with 0004 and the next tests need their tables).
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
