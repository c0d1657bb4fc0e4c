"""`manage.py backup` and `manage.py restore`: a backup restored into a fresh database gives the
same pledges, receipt numbers, agreement PDFs and register statistics; a tampered or incomplete
backup, or a database that already holds data, is refused."""

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from marketplace.core.backup import BackupError, create_backup, restore_backup, verify_backup

ROOT = Path(__file__).resolve().parents[2]


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def state() -> dict:
    """What must survive a backup and restore, read from the current database and folders (also
    run in a subprocess against the restored database)."""
    from marketplace.agreements.models import Agreement
    from marketplace.core.backup import migration_state
    from marketplace.finance import pdfs
    from marketplace.finance.models import Receipt
    from marketplace.pledges.models import Pledge
    from register.stats import agreement_stats

    receipts = Receipt.objects.order_by("number")
    return {
        "pledges": [[p.reference, p.status] for p in Pledge.objects.order_by("reference")],
        "receipts": [r.number for r in receipts],
        "receipt_pdfs": [_sha256(pdfs.pdf_path("receipt", r)) for r in receipts],
        "agreements": [
            [a.number, a.sha256, hashlib.sha256(a.pdf.open("rb").read()).hexdigest()]
            for a in Agreement.objects.order_by("number")
        ],
        "register": {by: agreement_stats(by).csv_rows() for by in ("region", "type")},
        "migrations": migration_state(),
    }


def build_state(tmp_path):
    """Two sponsors' pledges paid by bank transfer (receipts issued, agreements issued as PDF),
    one pledge still held, and register agreements imported from CSV."""
    from events.choices import BenefitKind, PackageCategory
    from marketplace.agreements.models import StandardClause
    from tests.agreements.conftest import pay
    from tests.factories import (
        make_event,
        make_package,
        make_sponsor,
        make_terms,
        pledge_for,
        site_tree,
    )
    from tests.register.conftest import row, run_import

    _home, index = site_tree()
    event = make_event(index, region="AFR")
    make_terms(event)
    package = make_package(
        event,
        title="Gold sponsor",
        category=PackageCategory.HEADLINE,
        price="50000.00",
        capacity=3,
        max_per_sponsor=1,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30)],
    )
    StandardClause.objects.create(title="No endorsement", body="None implied.", order=1)
    for n, name in enumerate(("Acme", "Borealis")):
        pledge = pledge_for(make_sponsor(name=name), package)
        pay(pledge, reference=f"BANK-{n}")
    pledge_for(make_sponsor(name="Cygnus"), package)  # held
    result = run_import(
        [
            row(reference="AGR-1"),
            row(reference="AGR-2", regions="ASP;EUR", signed_on="2018-05-01"),
            row(reference="AGR-3", agreement_type="mou", signed_on="2016-02-01"),
        ]
    )
    assert not getattr(result, "errors", None), result
    (Path(tmp_path) / "data" / "media" / "logos").mkdir(parents=True, exist_ok=True)
    (Path(tmp_path) / "data" / "media" / "logos" / "acme.svg").write_text("<svg/>")


def _data_settings(settings, data_dir: Path):
    settings.PRIVATE_DOCUMENTS_ROOT = data_dir / "private"
    settings.MEDIA_ROOT = data_dir / "media"
    settings.SITE_URL = "http://testserver"
    settings.PAYMENTS_STAND_IN_ENABLED = False


def _pg_url(db: dict, name: str) -> str:
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _admin_connection(db: dict):
    import psycopg

    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _manage(env_overrides: dict, *args, code=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_overrides}
    command = [sys.executable, "manage.py", *args] if code is None else [sys.executable, "-c", code]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


STATE_SCRIPT = (
    "import json, django; django.setup(); "
    "from tests.core.test_backup import state; print(json.dumps(state()))"
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_fresh_database_identically(settings, tmp_path):
    _data_settings(settings, tmp_path / "data")
    build_state(tmp_path)
    before = state()
    assert len(before["receipts"]) == 2 and len(before["agreements"]) == 2
    assert ["held"] == [s for _r, s in before["pledges"] if s == "held"]

    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql"
    assert manifest["parts"]["database"]["file"] == "database.dump"
    assert manifest["migrations"]["privacy"] == "0001_erasure_requests"
    assert (tmp_path / "backup" / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump -Fc

    db = connection.settings_dict
    fresh = f"restore_{uuid.uuid4().hex[:12]}"
    with _admin_connection(db) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        env = {"DATABASE_URL": _pg_url(db, fresh), "DATA_DIR": str(tmp_path / "restored")}
        restored = _manage(env, "restore", str(tmp_path / "backup"))
        assert restored.returncode == 0, restored.stderr
        assert "Restored the backup" in restored.stdout
        after = _manage(env, code=STATE_SCRIPT)
        assert after.returncode == 0, after.stderr
        assert json.loads(after.stdout.strip().splitlines()[-1]) == json.loads(json.dumps(before))
        assert (tmp_path / "restored" / "media" / "logos" / "acme.svg").read_text() == "<svg/>"

        # A second restore into the now-populated database is refused, and says what to do.
        again = _manage(env, "restore", str(tmp_path / "backup"))
        assert again.returncode != 0
        assert "is not empty" in again.stderr and "createdb" in again.stderr
    finally:
        with _admin_connection(db) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


# The refusals are shown on PostgreSQL (pg_dump of the test database): a backup of the SQLite
# in-memory test database through the online backup API hangs under pytest-django.
@pytest.fixture
def backup_dir(db, settings, tmp_path):
    _data_settings(settings, tmp_path / "data")
    (tmp_path / "data" / "private").mkdir(parents=True)
    (tmp_path / "data" / "private" / "note.txt").write_text("confidential")
    create_backup(tmp_path / "backup")
    return tmp_path / "backup"


@pytest.mark.postgres
def test_a_tampered_part_is_refused_by_name_before_anything_changes(backup_dir, settings, tmp_path):
    archive = backup_dir / "private.tar.gz"
    content = bytearray(archive.read_bytes())
    content[-1] ^= 0xFF
    archive.write_bytes(bytes(content))
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "fresh" / "private"

    with pytest.raises(CommandError, match=r"Part private \(private.tar.gz\) does not match"):
        call_command("restore", str(backup_dir))
    assert not (tmp_path / "fresh").exists()


@pytest.mark.postgres
def test_a_missing_part_or_manifest_is_refused(backup_dir):
    (backup_dir / "media.tar.gz").unlink()
    with pytest.raises(BackupError, match=r"Part media \(media.tar.gz\) is missing"):
        verify_backup(backup_dir)
    (backup_dir / "manifest.json").unlink()
    with pytest.raises(BackupError, match="manifest.json is missing"):
        verify_backup(backup_dir)


@pytest.mark.postgres
def test_a_manifest_edited_to_match_a_changed_part_is_still_checked(backup_dir):
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    del manifest["parts"]["database"]
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="no database part"):
        verify_backup(backup_dir)


@pytest.mark.postgres
def test_restoring_into_a_database_that_holds_data_is_refused(backup_dir, settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "fresh" / "private"
    with pytest.raises(BackupError, match="is not empty: restore only into an empty database"):
        restore_backup(backup_dir)


@pytest.mark.postgres
def test_a_backup_never_goes_into_a_folder_that_holds_files(db, settings, tmp_path):
    _data_settings(settings, tmp_path / "data")
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path / "backup"))
