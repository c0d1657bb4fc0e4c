"""Emails about pledges, rendered and logged by the mail queue, never in the request.

Callers only ever call `notify` (or `notify_all`), inside the transaction that moved the
pledge: it writes ONE outbox row naming the pledge, the kinds of message, the history entry
they are about, the reason and the language, and nothing else — no query for recipients, no
template rendered. After commit the `mail` queue's `send_pledge_mail` task (`tasks.py`) calls
`send_notifications`, which renders each message from `pledges/email/message.*` (a plain-text
and an HTML part; the subject and opening sentence of each kind are here, translatable), in
each recipient's language (one message per language group, `sponsors.languages`), with the
pledge in the state of that history entry, logs it and hands it to the mail queue
(`worker.mail.send_templated_mail`). The same change is emailed once however often either
runs: the outbox key and the mail log's key both name (pledge, kind, history entry).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.pledges.models import Pledge, PledgeChange
from sponsors.languages import send_in_their_languages
from sponsors.recipients import team
from worker import outbox

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


def notify(pledge, kind: str, reason: str = "", *, change: int | None = None):
    """Email the pledging organisation's members (or, for organiser kinds, the event's
    organiser) about the pledge's latest change: see `notify_all`."""
    return notify_all(pledge, [kind], reason, change=change)


def notify_all(pledge, kinds, reason: str = "", *, change: int | None = None):
    """Queue the emails of `kinds` about one change of the pledge: one outbox row in the current
    transaction (rolled back, nothing is sent), sent by the mail queue after commit.
    `change` is the history entry the emails are about (the pledge's latest when omitted).
    The same change is never emailed twice. Returns the OutboxMessage."""
    if change is None:
        change = pledge.history.order_by("-pk").values_list("pk", flat=True).first()
    kinds = list(kinds)
    # Imported here, not at the top: the tasks module imports the pledge services, which import
    # the moves, which import this module — at the top it would close that loop while the
    # moves are half loaded.
    from marketplace.pledges import tasks

    return outbox.enqueue(
        tasks.send_pledge_mail,
        pledge.pk,
        kinds,
        change,
        str(reason or ""),
        translation.get_language() or settings.LANGUAGE_CODE,
        key=f"pledge-mail:{pledge.pk}:{'+'.join(kinds)}:{change}" if change else None,
    )


def send_notifications(pledge_id: int, kinds, change: int | None, reason="", language=None):
    """Render, log and queue each email of `kinds` about history entry `change` (the mail
    task's work), once per language its recipients read (`sponsors.languages`; `language`,
    the request's, is no longer used: the reader's own language is). Returns the MailLogs
    (none for a kind without recipients, or a pledge that is gone)."""
    pledge = Pledge.objects.select_related("organisation", "event").filter(pk=pledge_id).first()
    if pledge is None:
        return []
    if change is not None:
        # The email describes the pledge as the change left it, however late the queue runs.
        state = PledgeChange.objects.filter(pk=change).values_list("to_state", flat=True).first()
        pledge.status = state or pledge.status
    return [log for kind in kinds for log in _send(pledge, kind, reason, change)]


def _send(pledge, kind: str, reason: str, change: int | None) -> list:
    staff = kind in ORGANISER_MESSAGES
    if staff:
        subject, intro = ORGANISER_MESSAGES[kind]
        recipients = [pledge.event.organiser_email]
        link = settings.SITE_URL + reverse("pledges_admin:inspect", args=[pledge.pk])
    else:
        subject, intro = SPONSOR_MESSAGES[kind]
        recipients = team(pledge.organisation_id)
        link = settings.SITE_URL + reverse("pledges:detail", args=[pledge.public_id])
    recipients = [address for address in recipients if address]
    if not recipients:
        return []

    def context():
        return {
            "pledge": pledge,
            "subject": str(subject) % {"reference": pledge.reference},
            "intro": intro,
            "reason": reason,
            "link": link,
        }

    # Each change is a new history entry, so (kind, entry) names one email per language.
    return send_in_their_languages(
        "pledges/email/message",
        context,
        recipients,
        pledge=pledge,
        key=f"pledge:{pledge.pk}:{kind}:{change}" if change else None,
        staff=staff,
    )
