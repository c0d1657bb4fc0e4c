"""`manage.py clone_event GSR-26 GSR-27 --start 2027-06-01 [--title T]`: copy an event's
catalogue (packages, benefits, terms, clauses, policy) to a new event, as drafts, dates shifted
(`events/cloning.py`). Refuses, creating nothing, an unknown source or a taken acronym."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events.cloning import clone_event
from events.models import EventPage


class Command(BaseCommand):
    help = "Copy an event's catalogue to a new event, as drafts, with its dates shifted."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Acronym of the event to copy, e.g. GSR-26.")
        parser.add_argument("acronym", help="Acronym of the new event, e.g. GSR-27.")
        parser.add_argument("--start", required=True, help="New start date, YYYY-MM-DD.")
        parser.add_argument("--title", default=None, help="New title (default: acronym swapped).")

    def handle(self, *args, source, acronym, start, title, **options):
        try:
            start_date = datetime.date.fromisoformat(start)
        except ValueError:
            raise CommandError(f"--start: {start!r} is not a date (YYYY-MM-DD).")
        event = EventPage.objects.filter(acronym__iexact=source).first()
        if event is None:
            raise CommandError(f"No event {source}.")
        try:
            copy = clone_event(event, acronym=acronym, start_date=start_date, title=title)
        except ValidationError as error:
            raise CommandError(" ".join(m for ms in error.message_dict.values() for m in ms))
        packages = copy.get_children().count()
        self.stdout.write(
            f"{copy.acronym} created as a draft (page {copy.pk}): {copy.start_date} to "
            f"{copy.end_date}, {packages} package(s)."
        )
