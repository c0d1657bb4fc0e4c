"""Backup and restore of a whole deployment: the database, the private files and the media.

A backup is a folder with one file per part and a `manifest.json` naming each part's file,
size and SHA-256, the database engine, the latest applied migration of each app and the time:

    database.dump        PostgreSQL, `pg_dump -Fc` (restored with `pg_restore --no-owner`)
    database.sqlite3     SQLite, through the online backup API (consistent while in use)
    private.tar.gz       PRIVATE_DOCUMENTS_ROOT: receipts, invoices, credit notes, agreement
                         PDFs, register documents, fulfilment assets, mail attachments
    media.tar.gz         MEDIA_ROOT: logos, images, documents

Restore checks every part against the manifest before it touches anything, and only restores
into an empty database and empty file folders: it never merges a backup into live data.
The PostgreSQL password goes to pg_dump and pg_restore through PGPASSWORD, never as an
argument (which `ps` would show to every user of the machine).
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says which part and why."""


def file_folders() -> dict[str, Path]:
    """The folders a backup archives, by part name. Every private folder of the apps lives under
    PRIVATE_DOCUMENTS_ROOT (finance documents, agreements, register documents, fulfilment
    assets, mail attachments), so one archive holds them all."""
    return {
        "private": Path(settings.PRIVATE_DOCUMENTS_ROOT),
        "media": Path(settings.MEDIA_ROOT),
    }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client matching the "
            "server's major version (Debian: postgresql-client-16)."
        )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.returncode}")


def engine_of(db: dict) -> str:
    """The manifest's name for the engine: postgresql or sqlite."""
    engine = db["ENGINE"].rsplit(".", 1)[-1].removesuffix("3")
    if engine not in DATABASE_FILES:
        raise BackupError(f"Unsupported database engine {db['ENGINE']}.")
    return engine


def migration_state(alias: str = "default") -> dict[str, str]:
    """The latest applied migration of each app, as recorded in django_migrations."""
    latest = {}
    recorder = MigrationRecorder(connections[alias])
    for record in recorder.migration_qs.order_by("applied", "id"):
        latest[record.app] = record.name
    return dict(sorted(latest.items()))


def _dump_database(db: dict, target: Path, alias: str) -> None:
    if engine_of(db) == "postgresql":
        _run(
            ["pg_dump", "-Fc", "--file", str(target), "--dbname", db["NAME"]],
            _pg_env(db),
            "pg_dump",
        )
    else:
        # Through Django's own connection: it opens file and in-memory databases alike, and the
        # online backup API copies a consistent state even while other processes write.
        connection = connections[alias]
        connection.ensure_connection()
        copy = sqlite3.connect(str(target))
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()


def _archive(folder: Path, target: Path) -> None:
    with tarfile.open(target, "w:gz") as archive:
        if folder.is_dir():
            for child in sorted(folder.iterdir()):
                archive.add(child, arcname=child.name)


def create_backup(dest: Path, alias: str = "default") -> dict:
    """Write a backup of the database `alias` and the file folders into `dest` (created; it
    must be empty or absent) and return its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: choose a new folder for each backup.")
    dest.mkdir(parents=True, exist_ok=True)
    db = connections[alias].settings_dict
    engine = engine_of(db)
    created_at = timezone.now()
    files = {"database": DATABASE_FILES[engine]}
    _dump_database(db, dest / files["database"], alias)
    for name, folder in file_folders().items():
        files[name] = f"{name}.tar.gz"
        _archive(folder, dest / files[name])
    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "engine": engine,
        "migrations": migration_state(alias),
        "parts": {
            name: {
                "file": filename,
                "size": (dest / filename).stat().st_size,
                "sha256": sha256_of(dest / filename),
            }
            for name, filename in files.items()
        },
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def verify_backup(src: Path) -> dict:
    """The backup's manifest, once every part is present with its recorded size and SHA-256;
    BackupError naming the first part that is missing or differs."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text())
        parts = manifest["parts"]
    except FileNotFoundError:
        raise BackupError(f"{src / MANIFEST} is missing: this is not a complete backup.")
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{src / MANIFEST} is not a valid backup manifest.")
    for name in ("database", *file_folders()):
        if name not in parts:
            raise BackupError(f"The manifest lists no {name} part: the backup is incomplete.")
    for name, part in parts.items():
        path = src / Path(part["file"]).name
        if not path.is_file():
            raise BackupError(f"Part {name} ({path.name}) is missing.")
        if path.stat().st_size != part["size"] or sha256_of(path) != part["sha256"]:
            raise BackupError(
                f"Part {name} ({path.name}) does not match the manifest's SHA-256: the backup "
                "was changed or damaged."
            )
    return manifest


def database_is_empty(alias: str = "default") -> bool:
    with connections[alias].cursor() as cursor:
        return not connections[alias].introspection.table_names(cursor)


def _restore_database(db: dict, dump: Path, alias: str) -> None:
    if engine_of(db) == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                db["NAME"],
                str(dump),
            ],  # fmt: skip
            _pg_env(db),
            "pg_restore",
        )
    else:
        connection = connections[alias]
        connection.ensure_connection()
        source = sqlite3.connect(str(dump))
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def _extract(archive_path: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        # The "data" filter refuses absolute paths, `..`, links out of the folder and devices.
        archive.extractall(folder, filter="data")


def restore_backup(src: Path, alias: str = "default") -> dict:
    """Restore the backup in `src` into the (empty) database `alias` and the (empty) file
    folders. Verifies the whole backup first; refuses, changing nothing, when a part differs
    from the manifest, the engine differs, or the database or a folder already holds data."""
    src = Path(src)
    manifest = verify_backup(src)
    db = connections[alias].settings_dict
    engine = engine_of(db)
    if manifest.get("engine") != engine:
        raise BackupError(
            f"The backup is of a {manifest.get('engine')} database; this site uses {engine}."
        )
    if not database_is_empty(alias):
        hint = (
            f"createdb {db['NAME']}_restored (then point DATABASE_URL at it)"
            if engine == "postgresql"
            else "point DATABASE_URL at a new SQLite file, e.g. sqlite:///var/restored.sqlite3"
        )
        raise BackupError(
            f"The database {db['NAME']} is not empty: restore only into an empty database. "
            f"Create one with: {hint}; do not run migrate before restoring."
        )
    folders = file_folders()
    for name, folder in folders.items():
        if folder.is_dir() and any(folder.iterdir()):
            raise BackupError(f"The {name} folder {folder} is not empty: restore into empty ones.")
    _restore_database(db, src / manifest["parts"]["database"]["file"], alias)
    for name, folder in folders.items():
        _extract(src / manifest["parts"][name]["file"], folder)
    return manifest
