"""Chasing unsigned agreements: "agreement unsigned after N days" (N from the event's policy).

Windows count from the day the version was sent: window 1 starts N days later, window 2 at 2N
days, ... up to MAX_REMINDERS. Beat runs `remind_unsigned` every hour; each agreement gets at
most one reminder per window whatever the number of workers or reruns: the reminder is a unique
(agreement, window) row written under the agreement's row lock, in the transaction that logs the
email (whose mail-log key names the window too). A window missed while beat was down is not
made up: only the current window's reminder is sent.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from marketplace.agreements import mail
from marketplace.agreements.models import (
    DEFAULT_REMINDER_DAYS,
    Agreement,
    AgreementPolicy,
    AgreementReminder,
)
from marketplace.agreements.moves import lock_agreement
from marketplace.agreements.services import ISSUABLE_PLEDGE_STATES
from marketplace.agreements.states import AgreementState

MAX_REMINDERS = 3
MIN_DAYS = 1  # the smallest gap a policy allows


def window_of(sent_at, days: int, now) -> int:
    """Which reminder window `now` falls in (0 = too early), at most MAX_REMINDERS."""
    return min(int((now - sent_at) // datetime.timedelta(days=days)), MAX_REMINDERS)


def due_reminders(now=None) -> list[tuple[int, int]]:
    """(agreement id, window) of every sent, unsigned agreement whose current window has no
    reminder yet."""
    now = now or timezone.now()
    days_by_event = dict(AgreementPolicy.objects.values_list("event_id", "unsigned_reminder_days"))
    rows = Agreement.objects.filter(
        status=AgreementState.SENT,
        sent_at__lte=now - datetime.timedelta(days=MIN_DAYS),
        pledge__status__in=ISSUABLE_PLEDGE_STATES,
    ).values_list("pk", "sent_at", "pledge__event_id")
    sent = set(
        AgreementReminder.objects.filter(agreement__status=AgreementState.SENT).values_list(
            "agreement_id", "window"
        )
    )
    due = []
    for pk, sent_at, event_id in rows:
        window = window_of(sent_at, days_by_event.get(event_id, DEFAULT_REMINDER_DAYS), now)
        if window >= 1 and (pk, window) not in sent:
            due.append((pk, window))
    return due


def remind_unsigned(now=None) -> int:
    """Email the signatory of each agreement unsigned for N, 2N, ... days (see the module's
    docstring). Returns how many reminders this call sent; a second call in the same window,
    on this worker or another, sends none."""
    now = now or timezone.now()
    return sum(send_reminder(pk, window, now) for pk, window in due_reminders(now))


def send_reminder(agreement_id: int, window: int, now=None) -> bool:
    """Send reminder `window` of the agreement unless it was sent already or the agreement no
    longer awaits the sponsor; returns whether this call sent it. Concurrent calls for the
    same window send once (row lock, then the unique reminder row)."""
    with transaction.atomic():
        agreement = lock_agreement(agreement_id)
        if agreement.status != AgreementState.SENT:
            return False  # signed or replaced meanwhile
        _reminder, created = AgreementReminder.objects.get_or_create(
            agreement=agreement, window=window, defaults={"sent_at": now or timezone.now()}
        )
        if not created:
            return False
        mail.send(
            agreement,
            "reminder",
            mail.signatory_recipients(agreement.pledge),
            key=f"agreement:{agreement.pk}:reminder:{window}",
            since=timezone.localdate(agreement.sent_at).isoformat(),
        )
    return True
