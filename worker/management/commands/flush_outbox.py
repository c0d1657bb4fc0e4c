"""Publish the outbox's pending tasks now (what the beat task does every minute)."""

from django.core.management.base import BaseCommand, CommandError

from worker import outbox


class Command(BaseCommand):
    help = (
        "Publish pending outbox messages to the broker, oldest first; stops at the first "
        "broker failure (then the exit status is 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="At most this many.")
        parser.add_argument(
            "--min-age",
            type=float,
            default=0,
            help="Only messages at least this many seconds old.",
        )

    def handle(self, *args, limit, min_age, **options):
        counts = outbox.flush(limit=limit, min_age_seconds=min_age)
        self.stdout.write(
            "Published {published}, failed {failed}, still pending {pending}.".format(**counts)
        )
        if counts["failed"]:
            raise CommandError(
                "The broker did not accept a message; {pending} still pending.".format(**counts)
            )
