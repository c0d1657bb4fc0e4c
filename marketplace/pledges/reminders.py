"""Reminders about unpaid pledges, sent by beat (marketplace/pledges/tasks.py): payment due and
hold about to expire. Each is sent once per window, whatever the number of workers or runs.

Windows, before the pledge's `expires_at` (the hold's end, which is also an invoice's due date):

* **payment due** — a pledge awaiting payment (invoiced, or approved) whose hold ends in 24 hours
  to 3 days: "your payment is due on ...". One per (pledge, expiry).
* **hold about to expire** — a pledge held or awaiting payment whose hold ends within 24 hours;
  for a card pledge whose hold is shorter than that (the card hold of minutes) within 10
  minutes. One per (pledge, expiry).

A short card hold is recognised by its length (expiry less than 24 hours after the pledge was
made), not by its state: "Pay by card" moves a held pledge to awaiting payment with the same
30-minute hold, and reading the state sent "the hold ends soon" seconds after the sponsor
clicked. An approved card pledge gets the bank-transfer hold of days and the 24-hour window.

A window is named by the pledge and its expiry, so a hold the organisers extend gets its own
reminders again, and a rerun or a second worker finds the MailLog row with that key (unique)
and sends nothing more. A pledge that enters a window late (say, approved with two days left)
is reminded at once; one that has already left it is not.
"""

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.states import PledgeState
from sponsors import recipients as sponsor_recipients
from sponsors.languages import send_in_their_languages
from sponsors.models import ContactRole
from worker.models import MailLog

PAYMENT_DUE_BEFORE = datetime.timedelta(days=3)
HOLD_EXPIRING_BEFORE = datetime.timedelta(hours=24)
CARD_HOLD_EXPIRING_BEFORE = datetime.timedelta(minutes=10)
BATCH = 1000

PAYMENT_DUE = "payment-due"
HOLD_EXPIRING = "hold-expiring"
MESSAGES = {
    PAYMENT_DUE: (
        _("Pledge %(reference)s: payment due by %(date)s"),
        _(
            "A reminder: the payment for your pledge is due by %(date)s. If you have paid "
            "already, thank you — the transfer may still be on its way."
        ),
    ),
    HOLD_EXPIRING: (
        _("Pledge %(reference)s: the hold ends soon"),
        _(
            "The slots held for your pledge are released at %(date)s unless it is paid by "
            "then. Pay now to keep them."
        ),
    ),
}


def reminder_key(kind: str, pledge) -> str:
    """The idempotency key of one reminder: its kind, the pledge and the window (its expiry)."""
    return f"reminder:{kind}:{pledge.pk}:{pledge.expires_at:%Y%m%dT%H%M%S}"


def due_for_payment_reminder(now):
    return Pledge.objects.filter(
        status=PledgeState.AWAITING_PAYMENT,
        expires_at__gt=now + HOLD_EXPIRING_BEFORE,
        expires_at__lte=now + PAYMENT_DUE_BEFORE,
    )


def due_for_hold_reminder(now):
    short_hold = Q(
        payment_method=PaymentMethod.CARD,
        expires_at__lt=F("created_at") + HOLD_EXPIRING_BEFORE,
    )
    return Pledge.objects.filter(
        (~short_hold & Q(expires_at__lte=now + HOLD_EXPIRING_BEFORE))
        | (short_hold & Q(expires_at__lte=now + CARD_HOLD_EXPIRING_BEFORE)),
        status__in=(PledgeState.HELD, PledgeState.AWAITING_PAYMENT),
        expires_at__gt=now,
    )


def send_payment_reminders(now=None) -> dict[str, int]:
    """Queue the payment-due and hold-expiring reminders due now, each once per window (the
    MailLog key is unique). Returns how many of each were due and unsent when this call
    looked (two runs racing may both count one; only one is sent)."""
    now = now or timezone.now()
    return {
        PAYMENT_DUE: _send(PAYMENT_DUE, due_for_payment_reminder(now)),
        HOLD_EXPIRING: _send(HOLD_EXPIRING, due_for_hold_reminder(now)),
    }


def _send(kind: str, pledges) -> int:

    pledges = list(pledges.select_related("organisation", "event").order_by("expires_at")[:BATCH])
    keys = {pledge.pk: reminder_key(kind, pledge) for pledge in pledges}
    done = set(MailLog.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    sent = 0
    subject, intro = MESSAGES[kind]
    for pledge in pledges:
        key = keys[pledge.pk]
        recipients = _recipients(pledge, kind)
        if key in done or not recipients:
            continue
        when = timezone.localtime(pledge.expires_at)

        def context(pledge=pledge, when=when):
            # Called in each recipient group's language: the date is written in it too.
            date = date_format(when, "DATETIME_FORMAT" if kind == HOLD_EXPIRING else "DATE_FORMAT")
            values = {"reference": pledge.reference, "date": date}
            return {
                "pledge": pledge,
                "subject": str(subject) % values,
                "intro": str(intro) % values,
                "reason": "",
                "link": settings.SITE_URL + reverse("pledges:detail", args=[pledge.public_id]),
            }

        send_in_their_languages(
            "pledges/email/message", context, recipients, pledge=pledge, key=key
        )
        sent += 1
    return sent


def _recipients(pledge, kind: str) -> list[str]:
    """The team; for a payment due, its finance contact too."""
    if kind == PAYMENT_DUE:
        return sponsor_recipients.team_and_contact(pledge.organisation, ContactRole.FINANCE)
    return sponsor_recipients.team(pledge.organisation_id)
