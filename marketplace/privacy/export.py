"""What the site holds about one person, as a JSON-ready dict (the download on /account/privacy/).

Only records that are the person: their account, their memberships, contacts with one of their
addresses, pledges they made, signatures they gave, mail sent to them and invitations to or from
them. Mail is listed by date, subject and status, never its body (which may have carried a
sign-in link).
"""

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone

from marketplace.agreements.models import Signature
from marketplace.pledges.models import Pledge
from sponsors.models import Contact, Invitation, Membership
from worker.models import MailLog

FORMAT_VERSION = 1


def addresses_of(user) -> set[str]:
    """Every email address of the account, lower-cased (its own and allauth's)."""
    found = {user.email.lower()} if user.email else set()
    allauth = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    found |= {address.lower() for address in allauth}
    return found


def iexact_any(field: str, addresses) -> Q:
    query = Q(pk__in=[])
    for address in addresses:
        query |= Q(**{f"{field}__iexact": address})
    return query


def mail_to(addresses) -> list[MailLog]:
    """Mail log rows with one of `addresses` among their recipients (exact, not substring)."""
    candidates = Q(pk__in=[])
    for address in addresses:
        candidates |= Q(to__icontains=address)
    return [
        mail
        for mail in MailLog.objects.filter(candidates).order_by("created_at", "pk")
        if {r.lower() for r in mail.recipients} & addresses
    ]


def _date(value):
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    """The person's data as a dict ready for `json.dumps` (dates ISO 8601, money as strings).
    Guarantees: nothing of another person is included beyond the names of the organisations
    and the events their records belong to."""
    addresses = addresses_of(user)
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    contacts = Contact.objects.filter(iexact_any("email", addresses)).select_related("organisation")
    pledges = Pledge.objects.filter(created_by=user).select_related("organisation", "event")
    signatures = Signature.objects.filter(user=user).select_related("agreement")
    received = Invitation.objects.filter(iexact_any("email", addresses)).select_related(
        "organisation"
    )
    sent = Invitation.objects.filter(invited_by=user).select_related("organisation")
    return {
        "format": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _date(user.date_joined),
            "last_login": _date(user.last_login),
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
            ],
        },
        "memberships": [
            {
                "organisation": m.organisation.display_name,
                "role": m.role,
                "joined_at": _date(m.joined_at),
            }
            for m in memberships
        ],
        "contacts": [
            {
                "organisation": c.organisation.display_name,
                "role": c.role,
                "name": c.name,
                "email": c.email,
                "phone": c.phone,
                "created_at": _date(c.created_at),
            }
            for c in contacts
        ],
        "pledges": [
            {
                "reference": p.reference,
                "organisation": p.organisation.display_name,
                "event": p.event.title,
                "package": p.package_title,
                "quantity": p.quantity,
                "amount": str(p.total),
                "currency": p.currency,
                "status": p.status,
                "created_at": _date(p.created_at),
                "updated_at": _date(p.updated_at),
            }
            for p in pledges
        ],
        "agreement_signatures": [
            {
                "agreement": s.agreement.number,
                "side": s.side,
                "full_name": s.full_name,
                "title": s.title,
                "signed_at": _date(s.signed_at),
                "ip_address": s.ip_address,
                "user_agent": s.user_agent,
                "document_sha256": s.document_sha256,
            }
            for s in signatures
        ],
        "mail": [
            {
                "created_at": _date(m.created_at),
                "sent_at": _date(m.sent_at),
                "subject": m.subject,
                "status": m.status,
            }
            for m in mail_to(addresses)
        ],
        "invitations_received": [
            {
                "organisation": i.organisation.display_name,
                "email": i.email,
                "role": i.role,
                "status": i.status,
                "created_at": _date(i.created_at),
                "accepted_at": _date(i.accepted_at),
            }
            for i in received
        ],
        "invitations_sent": [
            {
                "organisation": i.organisation.display_name,
                "role": i.role,
                "status": i.status,
                "created_at": _date(i.created_at),
            }
            for i in sent
        ],
    }
