"""Daily reminders to staff (beat, `tasks.py`): next actions due in the interactions log, and
register agreements expiring within 90 and within 30 days.

Each is sent once: the MailLog key names the reminder, the object and its date
(`pipeline:next-action:<interaction>:<date>`, `pipeline:expiry-<90|30>:<agreement>:<expiry>`),
and MailLog keys are unique, so a rerun or a second worker sends nothing more; a next action
moved to another date, or an agreement given another expiry, is a new reminder. An agreement
that enters the 30-day window without having had the 90-day one gets only the 30-day one.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from register.choices import Status
from register.models import PartnershipAgreement
from register.pipeline.models import Interaction
from sponsors.languages import language_of
from worker.mail import send_templated_mail
from worker.models import MailLog

EXPIRY_WINDOWS = (90, 30)


def next_action_key(interaction) -> str:
    return f"pipeline:next-action:{interaction.pk}:{interaction.next_action_on:%Y%m%d}"


def expiry_key(window: int, agreement) -> str:
    return f"pipeline:expiry-{window}:{agreement.pk}:{agreement.expiry:%Y%m%d}"


def _unsent(keys) -> set[str]:

    keys = list(keys)
    return set(keys) - set(MailLog.objects.filter(key__in=keys).values_list("key", flat=True))


def send_next_action_reminders(today: datetime.date | None = None) -> int:
    """Remind the staff member of each next action due today or overdue (not done), once per
    (interaction, date). Returns how many were queued by this call."""

    today = today or timezone.localdate()
    due = list(
        Interaction.objects.filter(next_action_on__lte=today, next_action_done=False)
        .exclude(next_action="")
        .select_related("staff", "partner", "organisation", "prospect", "opportunity")
        .order_by("next_action_on", "pk")
    )
    fresh = _unsent(next_action_key(i) for i in due)
    sent = 0
    for interaction in due:
        key = next_action_key(interaction)
        if key not in fresh or not interaction.staff.email:
            continue
        send_templated_mail(
            "pipeline/email/next_action",
            {
                "interaction": interaction,
                "days_late": (today - interaction.next_action_on).days,
                "link": settings.SITE_URL
                + reverse("wagtailsnippets_pipeline_interaction:edit", args=[interaction.pk]),
            },
            interaction.staff.email,
            organisation=interaction.organisation,
            key=key,
            language=language_of(interaction.staff),  # the admin language they chose
        )
        sent += 1
    return sent


def window_of(expiry: datetime.date, today: datetime.date) -> int | None:
    """The narrowest expiry window (90 or 30 days) that `expiry` falls in, or None."""
    days = (expiry - today).days
    if days < 0:
        return None
    for window in sorted(EXPIRY_WINDOWS):
        if days <= window:
            return window
    return None


def send_expiry_reminders(today: datetime.date | None = None) -> int:
    """Tell each in-force agreement's business owner that it expires within 90 days, then
    within 30 days: once each per (agreement, expiry). Agreements without an owner (or whose
    owner has no email) are skipped. Returns how many were queued by this call."""

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(EXPIRY_WINDOWS))
    expiring = list(
        PartnershipAgreement.objects.filter(
            status=Status.IN_FORCE,
            expiry__gte=today,
            expiry__lte=horizon,
            business_owner__isnull=False,
        )
        .select_related("business_owner")
        .order_by("expiry", "pk")
    )
    keyed = [(expiry_key(window_of(a.expiry, today), a), a) for a in expiring]
    fresh = _unsent(key for key, _agreement in keyed)
    sent = 0
    for key, agreement in keyed:
        if key not in fresh or not agreement.business_owner.email:
            continue
        send_templated_mail(
            "pipeline/email/expiry",
            {
                "agreement": agreement,
                "days_left": (agreement.expiry - today).days,
                "link": settings.SITE_URL + reverse("register:agreement", args=[agreement.pk]),
            },
            agreement.business_owner.email,
            key=key,
            language=language_of(agreement.business_owner),
        )
        sent += 1
    return sent
