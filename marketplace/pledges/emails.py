"""Emails about pledges, sent after the transaction that caused them commits.

Each message has a plain-text and an HTML part rendered from `pledges/email/message.*`; the
subject and opening sentence of each kind are here, translatable. A later issue adds a mail log
and a Celery queue; callers only ever call `notify`.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SPONSOR_MESSAGES = {
    "held": (
        _("Pledge %(reference)s received"),
        _("Thank you: your pledge is recorded and its slots are held for you."),
    ),
    "awaiting_approval": (
        _("Pledge %(reference)s is waiting for approval"),
        _(
            "Thank you: this package is confirmed after due diligence and the organisers' "
            "approval. We will write again when they decide."
        ),
    ),
    "approved": (
        _("Pledge %(reference)s approved"),
        _("The organisers approved your pledge. Please pay before the hold expires."),
    ),
    "rejected": (
        _("Pledge %(reference)s was not approved"),
        _("The organisers did not approve your pledge, and its slots were released."),
    ),
    "expired": (
        _("Pledge %(reference)s expired"),
        _("The hold on your pledge ran out before it was confirmed, so its slots were released."),
    ),
    "cancelled": (
        _("Pledge %(reference)s cancelled"),
        _("Your pledge was cancelled and its slots were released."),
    ),
    "extended": (
        _("Pledge %(reference)s: hold extended"),
        _("The organisers extended the hold on your pledge."),
    ),
    "offered": (
        _("A place for you: pledge %(reference)s"),
        _(
            "Slots freed up in a package you were waiting for. They are held for you for 48 "
            "hours: open the pledge to accept them."
        ),
    ),
}
ORGANISER_MESSAGES = {
    "needs_approval": (
        _("Pledge %(reference)s needs your approval"),
        _("A sponsor pledged a package that requires approval."),
    ),
}


def notify(pledge, kind: str, reason: str = "") -> None:
    """Email the pledging organisation's members (or, for organiser kinds, the event's
    organiser) once the current transaction commits; nothing is sent if it rolls back."""
    pledge_id = pledge.pk
    transaction.on_commit(lambda: send_now(pledge_id, kind, reason))


def send_now(pledge_id: int, kind: str, reason: str = "") -> int:
    from marketplace.pledges.models import Pledge

    pledge = Pledge.objects.select_related("organisation", "event").get(pk=pledge_id)
    if kind in ORGANISER_MESSAGES:
        subject, intro = ORGANISER_MESSAGES[kind]
        recipients = [pledge.event.organiser_email]
        link = settings.SITE_URL + reverse("pledges_admin:inspect", args=[pledge.pk])
    else:
        subject, intro = SPONSOR_MESSAGES[kind]
        recipients = sponsor_recipients(pledge)
        link = settings.SITE_URL + reverse("pledges:detail", args=[pledge.public_id])
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    context = {
        "pledge": pledge,
        "intro": intro,
        "reason": reason,
        "link": link,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + str(subject) % {"reference": pledge.reference},
        body=render_to_string("pledges/email/message.txt", context),
        to=recipients,
    )
    message.attach_alternative(render_to_string("pledges/email/message.html", context), "text/html")
    return message.send()


def sponsor_recipients(pledge) -> list[str]:
    """Everyone in the pledging organisation's team."""
    from sponsors.models import Membership

    emails = Membership.objects.filter(organisation_id=pledge.organisation_id).values_list(
        "user__email", flat=True
    )
    return sorted({email for email in emails if email})
