"""Emails about pledges, sent after the transaction that caused them commits.

Each message has a plain-text and an HTML part rendered from `pledges/email/message.*`; the
subject and opening sentence of each kind are here, translatable. Messages go through the mail
log and the mail queue (`worker.mail.send_templated_mail`); callers only ever call `notify`.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from marketplace.pledges.models import Pledge
from sponsors.recipients import team
from worker.mail import send_templated_mail

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


def notify(pledge, kind: str, reason: str = ""):
    """Email the pledging organisation's members (or, for organiser kinds, the event's
    organiser) about the pledge's latest change. The message is logged in the current
    transaction and sent by the mail queue once it commits; nothing is sent if it rolls back,
    and the same change is never emailed twice. Returns the MailLog, or None without
    recipients."""

    pledge = Pledge.objects.select_related("organisation", "event").get(pk=pledge.pk)
    if kind in ORGANISER_MESSAGES:
        subject, intro = ORGANISER_MESSAGES[kind]
        recipients = [pledge.event.organiser_email]
        link = settings.SITE_URL + reverse("pledges_admin:inspect", args=[pledge.pk])
    else:
        subject, intro = SPONSOR_MESSAGES[kind]
        recipients = team(pledge.organisation_id)
        link = settings.SITE_URL + reverse("pledges:detail", args=[pledge.public_id])
    recipients = [address for address in recipients if address]
    if not recipients:
        return None
    context = {
        "pledge": pledge,
        "subject": str(subject) % {"reference": pledge.reference},
        "intro": intro,
        "reason": reason,
        "link": link,
    }
    # Each change is a new history entry, so (kind, entry) names one email.
    change = pledge.history.order_by("-pk").values_list("pk", flat=True).first()
    return send_templated_mail(
        "pledges/email/message",
        context,
        recipients,
        pledge=pledge,
        key=f"pledge:{pledge.pk}:{kind}:{change}" if change else None,
    )
