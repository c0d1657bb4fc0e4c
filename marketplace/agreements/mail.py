"""The agreements' emails, through the mail log (`worker.mail.send_templated_mail`).

Each is logged in the caller's transaction and sent by the mail queue after commit, under a key
that names the agreement and the occasion, so the same occasion is emailed once however often
the code runs. Subjects and opening sentences are here, translatable; the body is
`agreements/email/message.*` (text and HTML).
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sponsors import recipients
from sponsors.languages import send_in_their_languages
from sponsors.models import ContactRole

TEMPLATE = "agreements/email/message"
MESSAGES = {
    "issued": (
        _("Sponsorship agreement %(label)s to sign"),
        _(
            "Your sponsorship agreement is attached. Please read it and sign it in the sponsor "
            "portal: type your full name and title and confirm."
        ),
    ),
    "reissued": (
        _("Sponsorship agreement %(label)s (new version) to sign"),
        _(
            "The agreement changed, so we issued a new version, attached; the previous version "
            "is void. Please read it and sign it in the sponsor portal."
        ),
    ),
    "reminder": (
        _("Reminder: sponsorship agreement %(label)s awaits your signature"),
        _(
            "Your sponsorship agreement has been waiting for your signature since %(since)s. "
            "Please sign it in the sponsor portal, or tell the organisers what should change."
        ),
    ),
    "signed_by_sponsor": (
        _("Agreement %(label)s signed by the sponsor: countersign it"),
        _("The sponsor signed the agreement. Countersign it in the admin to execute it."),
    ),
    "executed_sponsor": (
        _("Sponsorship agreement %(label)s executed"),
        _(
            "Both parties signed the agreement. The executed copy, with the signature page, is "
            "attached for your records."
        ),
    ),
    "executed_organiser": (
        _("Sponsorship agreement %(label)s executed"),
        _(
            "The agreement is executed and entered in the partnership register. The executed "
            "copy, with the signature page, is attached."
        ),
    ),
}


def signatory_recipients(pledge, content: dict | None = None) -> list[str]:
    """The organisation's signatory contact (else its primary or any contact), else its team.
    With an agreement's `content`, the signatory it was issued to (no need to look again)."""
    if content and content.get("sponsor", {}).get("signatory_email"):
        return [content["sponsor"]["signatory_email"]]
    return recipients.contact_else_team(pledge.organisation, ContactRole.SIGNATORY)


def sign_link(agreement) -> str:
    return settings.SITE_URL + reverse("agreements:detail", args=[agreement.public_id])


def admin_link(agreement) -> str:
    return settings.SITE_URL + reverse("agreements_admin:inspect", args=[agreement.pk])


def send(agreement, kind: str, to, *, key: str, pdf: tuple[str, bytes] | None = None, **extra):
    """Log and queue one message of `kind` about `agreement` (see the module's docstring), in
    each recipient's language (`sponsors.languages`: one message per language group)."""
    subject, intro = MESSAGES[kind]
    values = {"label": agreement.label, **extra}
    staff = kind.endswith("organiser") or kind == "signed_by_sponsor"

    def context():
        return {
            "agreement": agreement,
            "pledge": agreement.pledge,
            "c": agreement.content,
            "subject": str(subject) % values,
            "intro": str(intro) % values,
            "link": admin_link(agreement) if staff else sign_link(agreement),
        }

    attachments = [(pdf[0], pdf[1], "application/pdf")] if pdf else []
    logs = send_in_their_languages(
        TEMPLATE,
        context,
        to,
        pledge=agreement.pledge,
        attachments=attachments,
        key=key,
        staff=staff,
    )
    return logs[0] if logs else None
