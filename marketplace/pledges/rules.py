"""The rules of time for pledges: which terms a pledge accepts, and how long a hold lasts."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from events.models import EventPage
from marketplace.pledges.models import EventTerms, PaymentMethod


def current_terms(event: EventPage) -> EventTerms | None:
    """The newest version of the event's terms: what a new pledge accepts (None if unpublished)."""
    return EventTerms.objects.filter(event=event).order_by("-version").first()


def publish_terms(event: EventPage, text: str, user=None) -> EventTerms:
    """Publish a new version of the event's terms (1 for the first). Earlier versions stay as
    they were, since pledges point at the version they accepted."""
    for _attempt in range(5):
        latest = EventTerms.objects.filter(event=event).aggregate(v=Max("version"))["v"] or 0
        try:
            with transaction.atomic():
                return EventTerms.objects.create(
                    event=event, version=latest + 1, text=text, published_by=user
                )
        except IntegrityError:  # someone published at the same moment: take the next number
            continue
    raise IntegrityError("Could not number the new terms version.")


def deadline_end(event: EventPage) -> datetime.datetime:
    """The first instant after the event's sponsorship deadline day: no hold lasts past it."""
    next_day = event.sponsorship_deadline + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def hold_expiry(event: EventPage, payment_method: str, now=None) -> datetime.datetime:
    """When a new hold runs out: the event's card or bank-transfer duration from now, never past
    the end of the sponsorship deadline day."""
    now = now or timezone.now()
    if payment_method == PaymentMethod.CARD:
        duration = datetime.timedelta(minutes=event.card_hold_minutes)
    else:
        duration = datetime.timedelta(days=event.bank_transfer_hold_days)
    return min(now + duration, deadline_end(event))


def pledging_closed(event: EventPage) -> bool:
    return timezone.localdate() > event.sponsorship_deadline
