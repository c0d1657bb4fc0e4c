"""Settings from the environment, and the refusal to start insecurely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from marketplace.config import (
    broker_settings,
    database_settings,
    email_settings,
    insecure_settings,
    load_secret_key,
)

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789"


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://user@host/db", "scheme 'mysql'"),
        ("postgres://user@host:notaport/db", "DATABASE_URL is malformed"),
        ("postgres://user@host:5432/", "names no database"),
        ("just-garbage", "DATABASE_URL is malformed"),
    ],
)
def test_malformed_database_url_is_named(url, fragment, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL") as info:
        database_settings(url, tmp_path)
    assert fragment in str(info.value)


def test_malformed_database_url_stops_start_up_with_a_clear_message(tmp_path):
    result = _manage("check", DATABASE_URL="mysql://nope", DEBUG="true", DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "Configuration error: DATABASE_URL is malformed" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "",
        "ALLOWED_HOSTS": "example.org",
        "DATA_DIR": str(tmp_path),
    }
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_weak_key_and_wildcard_hosts(tmp_path):
    env = {"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "*", "DATA_DIR": str(tmp_path)}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr
    assert "ALLOWED_HOSTS must not contain '*'" in result.stderr


def test_insecure_settings_are_each_named():
    assert insecure_settings({"DEBUG": True, "SECRET_KEY": ""}) == []
    good = {"DEBUG": False, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": ["example.org"]}
    assert insecure_settings(good) == []
    problems = insecure_settings({**good, "ALLOWED_HOSTS": []})
    assert problems == ["ALLOWED_HOSTS must name the site's host names when DEBUG is off."]
    problems = insecure_settings({**good, "SECRET_KEY": "django-insecure-" + "x" * 60})
    assert "SECRET_KEY is too weak" in problems[0]


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_secret_key("", debug=True, data_dir=tmp_path)
    second = load_secret_key("", debug=True, data_dir=tmp_path)
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_secret_key("given", debug=False, data_dir=tmp_path) == "given"


def test_sqlite_is_the_default_database(tmp_path):
    config = database_settings("", tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "marketplace.sqlite3")
    postgres = database_settings("postgres://u:secret@db:5432/market", tmp_path)
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert postgres["NAME"] == "market" and postgres["PORT"] == 5432


def test_email_defaults_to_the_outbox_and_reads_smtp_urls(tmp_path):
    outbox = tmp_path / "outbox"
    # Every message goes through the logging backend, which delivers with the real one.
    assert email_settings("", outbox) == {
        "EMAIL_BACKEND": "worker.mail_backend.LoggingEmailBackend",
        "MAIL_DELIVERY_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }
    assert outbox.is_dir()
    smtp = email_settings("smtp://user:pw@mail.example.org:2525", outbox)
    assert smtp["EMAIL_BACKEND"] == "worker.mail_backend.LoggingEmailBackend"
    assert smtp["MAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["EMAIL_HOST"] == "mail.example.org" and smtp["EMAIL_PORT"] == 2525
    memory = email_settings("memory://", outbox)
    assert memory["MAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings("carrier-pigeon://x", outbox)


def test_broker_is_redis_when_set_else_an_embedded_filesystem_broker(tmp_path):
    assert broker_settings("redis://127.0.0.1:6379/0", tmp_path)["CELERY_BROKER_URL"].startswith(
        "redis://"
    )
    redis = broker_settings("redis://127.0.0.1:6379/0", tmp_path)
    assert redis["CELERY_BROKER_TRANSPORT_OPTIONS"] == {
        "visibility_timeout": 3600,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
    quick = broker_settings("redis://127.0.0.1:6379/0", tmp_path, visibility_timeout=2)
    assert quick["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 2
    assert quick["CELERY_BROKER_TRANSPORT_OPTIONS"]["unacked_restore_interval"] == 1
    with pytest.raises(ImproperlyConfigured, match="CELERY_VISIBILITY_TIMEOUT"):
        broker_settings("redis://127.0.0.1:6379/0", tmp_path, visibility_timeout=0)
    embedded = broker_settings("", tmp_path)
    assert embedded["CELERY_BROKER_URL"] == "filesystem://"
    assert (tmp_path / "broker" / "in").is_dir()
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        broker_settings("http://not-redis", tmp_path)
