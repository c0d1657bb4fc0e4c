"""Erasure of a person: requested on /account/privacy/, executed by staff in the admin.

Executing anonymises the person everywhere the site keeps them: the account (email and name
become `erased-<id>@invalid`, the password unusable, the account inactive), its allauth email
addresses, contacts with one of their addresses, their memberships (ended), invitations to
them, mail log recipients, and their sessions.

It leaves alone the legal snapshots frozen when a document was issued or signed: the payer on
receipts, invoices and credit notes, and the signer's name and title on signed agreements
(with the signature's evidence, which `marketplace/agreements/retention.py` clears after
SIGNATURE_EVIDENCE_YEARS). The bureau must keep those as issued.

Open obligations (a pledge the person made that still holds slots and awaits payment or
approval) do not block execution: the pledge is the organisation's, not the person's, and stays
with it; the page warns the person and the admin shows staff the references before they act.
"""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.pledges.models import Pledge
from marketplace.pledges.states import EXPIRING_STATES
from marketplace.privacy.export import addresses_of, iexact_any, mail_to
from marketplace.privacy.models import ErasureRequest, ErasureStatus
from sponsors.models import Contact, Invitation, Membership

ERASED_NAME = "Erased person"


class ErasureError(Exception):
    """An erasure request or execution that cannot go ahead; the message says why."""


def erased_address(user) -> str:
    return f"erased-{user.pk}@invalid"


def open_obligations(user) -> list[str]:
    """References of the pledges the person made that still wait on payment or approval."""
    return list(
        Pledge.objects.filter(created_by=user, status__in=EXPIRING_STATES)
        .order_by("created_at")
        .values_list("reference", flat=True)
    )


def pending_request(user) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(person=user, status=ErasureStatus.PENDING).first()


@transaction.atomic
def request_erasure(user, *, reason: str = "", requested_by=None) -> ErasureRequest:
    """Record the person's request (once: a second pending one is refused) with the open
    obligations they have now. Staff are told through the admin listing."""
    get_user_model().objects.select_for_update().get(pk=user.pk)
    if pending_request(user) is not None:
        raise ErasureError(_("You have already asked to be erased; the staff will handle it."))
    return ErasureRequest.objects.create(
        person=user,
        reason=reason.strip()[:2000],
        requested_by=requested_by or user,
        open_obligations=open_obligations(user),
    )


def execute_erasure(request: ErasureRequest, *, by) -> dict[str, int]:
    """Anonymise the person of a pending request everywhere (see the module's docstring) and
    mark the request executed by `by`, in one transaction. Returns (and records) the number of
    records of each kind changed. A request already executed raises ErasureError."""
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.is_pending:
            raise ErasureError(_("This erasure request was already executed."))
        user = get_user_model().objects.select_for_update().get(pk=locked.person_id)
        counts = anonymise(user)
        locked.status = ErasureStatus.EXECUTED
        locked.executed_by = by
        locked.executed_at = timezone.now()
        locked.anonymised = counts
        locked.save(update_fields=["status", "executed_by", "executed_at", "anonymised"])
    request.refresh_from_db()
    return counts


def anonymise(user) -> dict[str, int]:
    """Replace the person's data by placeholders; returns counts per kind. Call inside a
    transaction (execute_erasure does)."""
    addresses = addresses_of(user)
    placeholder = erased_address(user)
    counts = {}

    counts["contacts"] = Contact.objects.filter(iexact_any("email", addresses)).update(
        name=ERASED_NAME, email=placeholder, phone=""
    )
    invitations = Invitation.objects.filter(iexact_any("email", addresses))
    invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    counts["invitations"] = invitations.update(email=placeholder)

    mails = mail_to(addresses)
    for mail in mails:
        mail.to = ", ".join(placeholder if r.lower() in addresses else r for r in mail.recipients)
        # The bodies greet and describe the person; the subject, date and status stay so staff
        # still see that a mail was sent.
        mail.body_text = ""
        mail.body_html = ""
        mail.save(update_fields=["to", "body_text", "body_html", "updated_at"])
    counts["mail_log"] = len(mails)

    # Ended one by one, so whatever reacts to a membership ending (token revocation) runs.
    memberships = list(Membership.objects.filter(user=user))
    for membership in memberships:
        membership.delete()
    counts["memberships"] = len(memberships)

    counts["email_addresses"] = EmailAddress.objects.filter(user=user).delete()[0]
    if apps.is_installed("allauth.mfa"):
        # Only when the app is installed (its models do not exist otherwise).
        from allauth.mfa.models import Authenticator

        counts["authenticators"] = Authenticator.objects.filter(user=user).delete()[0]
    counts["sessions"] = _delete_sessions(user)

    user.email = placeholder
    setattr(user, get_user_model().USERNAME_FIELD, f"erased-{user.pk}")
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    counts["accounts"] = 1
    return counts


def _delete_sessions(user) -> int:
    """Delete the database sessions signed in as `user` (the unusable password would also end
    them at their next request; deleting them leaves no personal session data behind)."""
    user_id = str(user.pk)
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    return Session.objects.filter(pk__in=doomed).delete()[0]
