"""Turning environment variables into settings, and refusing an insecure production start.

Kept apart from `settings.py` so each rule is a small, tested function. Every error names the
variable at fault, because the person reading it is starting a server and wants to know what to
fix.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
DEV_SECRET_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 50


def load_secret_key(value: str, *, debug: bool, data_dir: Path) -> str:
    """The secret key from the environment, or, in development only, one generated once and kept
    under DATA_DIR so sessions survive restarts."""
    if value:
        return value
    if not debug:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    path = data_dir / DEV_SECRET_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


def database_settings(url: str, data_dir: Path) -> dict:
    """The `DATABASES["default"]` dict for DATABASE_URL (SQLite under DATA_DIR when unset)."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / "marketplace.sqlite3"),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    parts = urlsplit(url)
    if parts.scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL is malformed: scheme {parts.scheme!r} is not one of "
            f"{', '.join(sorted(SUPPORTED_DATABASE_SCHEMES))} (got {_redact(url)!r})."
        )
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types on bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc} (got {_redact(url)!r}).")
    if parts.scheme != "sqlite":
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise ImproperlyConfigured(
                f"DATABASE_URL is malformed: the port is not a number (got {_redact(url)!r})."
            )
        if not config.get("NAME"):
            raise ImproperlyConfigured(
                f"DATABASE_URL is malformed: it names no database (got {_redact(url)!r})."
            )
        config.setdefault("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


LOGGING_EMAIL_BACKEND = "worker.mail_backend.LoggingEmailBackend"


def email_settings(url: str, outbox_dir: Path) -> dict:
    """Email backend settings from EMAIL_URL; by default each message becomes a file in the
    outbox so a person can read what was sent.

    EMAIL_BACKEND is always the logging backend, which records each message in the mail log and
    hands it to MAIL_DELIVERY_BACKEND, the real backend chosen by EMAIL_URL."""
    config = _delivery_settings(url, outbox_dir)
    config["MAIL_DELIVERY_BACKEND"] = config.pop("EMAIL_BACKEND")
    config["EMAIL_BACKEND"] = LOGGING_EMAIL_BACKEND
    return config


def _delivery_settings(url: str, outbox_dir: Path) -> dict:
    if not url:
        outbox_dir.mkdir(parents=True, exist_ok=True)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(outbox_dir),
        }
    scheme = urlsplit(url).scheme
    if scheme in {"console", "consolemail"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme in {"memory", "locmem"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtps", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL is malformed: scheme {scheme!r} is not smtp, smtps, smtp+tls, "
            "smtp+ssl, console or memory."
        )
    try:
        config = environ.Env.email_url_config(url)
    except Exception as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}.")
    config["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
    config.setdefault("EMAIL_TIMEOUT", 20)
    return config


DEFAULT_VISIBILITY_TIMEOUT = 3600


def broker_settings(
    redis_url: str, data_dir: Path, visibility_timeout: int = DEFAULT_VISIBILITY_TIMEOUT
) -> dict:
    """Celery broker: Redis when REDIS_URL is set, else kombu's filesystem transport under
    DATA_DIR, which needs no server and is shared by the web process, worker and beat.

    `visibility_timeout` (CELERY_VISIBILITY_TIMEOUT, seconds): how long Redis waits for a
    delivered task to be acknowledged before handing it to another worker. Tasks acknowledge
    late (after running), so a worker killed mid-task has its task redelivered after this long;
    it must exceed the longest task run and retry countdown (10 minutes), or a slow task
    would run twice. Only tests set it low. Workers look for such tasks every
    `unacked_restore_interval` seconds (half the timeout, at most 10 s)."""
    if redis_url:
        if urlsplit(redis_url).scheme not in {"redis", "rediss"}:
            raise ImproperlyConfigured("REDIS_URL is malformed: it must start with redis://.")
        if visibility_timeout < 1:
            raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be a positive number.")
        return {
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": None,
            "CELERY_BROKER_TRANSPORT_OPTIONS": {
                "visibility_timeout": visibility_timeout,
                "unacked_restore_interval": max(1, min(10, visibility_timeout // 2)),
                "unacked_restore_throttle": 1,
            },
        }
    broker_dir = data_dir / "broker"
    for sub in ("in", "processed", "control"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_RESULT_BACKEND": None,
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(broker_dir / "in"),
            "data_folder_out": str(broker_dir / "in"),
            "processed_folder": str(broker_dir / "processed"),
            # Broadcasts (remote control, pidbox): kombu would use ./control otherwise.
            "control_folder": str(broker_dir / "control"),
            "store_processed": False,
        },
    }


def insecure_settings(settings: dict) -> list[str]:
    """Every reason the given settings are unsafe to run with DEBUG off, each naming its
    setting. Empty when they are safe (or DEBUG is on)."""
    if settings.get("DEBUG"):
        return []
    problems = []
    key = settings.get("SECRET_KEY", "")
    if len(key) < MIN_SECRET_KEY_LENGTH or key.startswith("django-insecure") or len(set(key)) < 5:
        problems.append(
            f"SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random characters."
        )
    hosts = settings.get("ALLOWED_HOSTS") or []
    if not hosts:
        problems.append("ALLOWED_HOSTS must name the site's host names when DEBUG is off.")
    elif "*" in hosts:
        problems.append("ALLOWED_HOSTS must not contain '*' when DEBUG is off.")
    if settings.get("PAYMENTS_STAND_IN_ENABLED"):
        problems.append(
            "PAYMENTS_STAND_IN must be off when DEBUG is off: the test checkout is for development."
        )
    return problems


def refuse_insecure_production(settings: dict) -> None:
    """Stop start-up with a message naming each insecure setting when DEBUG is off."""
    problems = insecure_settings(settings)
    if problems:
        raise ImproperlyConfigured("Refusing to start with DEBUG off: " + " ".join(problems))


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
