"""Emails about organisations: team invitations and due-diligence decisions.

Called by the Celery tasks in `sponsors/tasks.py` with ids. Each is safe to run twice:
the record remembers when its email went out and a second run sends nothing. The email is
logged and handed to the mail queue (`worker.mail.send_templated_mail`) in the same
transaction that marks the record, from `sponsors/email/<name>{_subject.txt,.txt,.html}`.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sponsors.languages import send_in_their_languages
from sponsors.models import ClearanceDecision, Invitation, InvitationStatus
from sponsors.recipients import primary_contact_else_admins


def _send(template: str, context: dict, recipients: list[str], *, key: str) -> None:

    # In each reader's language: an invitee without an account reads the organisation's.
    send_in_their_languages(
        f"sponsors/email/{template}",
        context,
        recipients,
        organisation=context["organisation"],
        key=key,
    )


def send_invitation(invitation_id: int) -> bool:
    """Email the invitation link to the invitee once, while the invitation is pending.
    Returns whether a message was sent."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if (
            invitation is None
            or invitation.sent_at
            or invitation.status != InvitationStatus.PENDING
        ):
            return False
        link = settings.SITE_URL + reverse("sponsors:accept_invitation", args=[invitation.token])
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "link": link,
            "signup_url": settings.SITE_URL + reverse("account_signup"),
        }
        _send("invitation", context, [invitation.email], key=f"sponsor-invitation:{invitation.pk}")
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


def send_clearance_decision(decision_id: int) -> bool:
    """Email a due-diligence decision (cleared or declined, with its reason) to the
    organisation's primary contact once. Returns whether a message was sent."""
    with transaction.atomic():
        decision = (
            ClearanceDecision.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=decision_id)
            .first()
        )
        if decision is None or decision.notified_at:
            return False
        recipients = primary_contact_else_admins(decision.organisation)
        if recipients:
            context = {
                "decision": decision,
                "organisation": decision.organisation,
                "portal_url": settings.SITE_URL + reverse("sponsors:dashboard"),
            }
            _send(
                "clearance_decision", context, recipients, key=f"clearance-decision:{decision.pk}"
            )
        decision.notified_at = timezone.now()
        decision.save(update_fields=["notified_at"])
    return bool(recipients)
