"""Shared argument parsing for the finance commands: ISO dates, refused when malformed."""

import datetime

from django.core.management.base import CommandError


def iso_date(value: str | None, option: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: {value!r} is not a date (YYYY-MM-DD).")


def date_range(options) -> tuple[datetime.date | None, datetime.date | None]:
    start = iso_date(options.get("date_from"), "--from")
    end = iso_date(options.get("date_to"), "--to")
    if start and end and start > end:
        raise CommandError(f"--from {start} is after --to {end}.")
    return start, end
