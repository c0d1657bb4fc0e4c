"""Which organisation a signed-in user acts for, and whether their account may pledge yet.

Pledges, the portal and the API all ask these two questions here, so the answer is the same
everywhere.
"""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext as _

from sponsors.models import Clearance, Membership, Organisation

ACTIVE_ORGANISATION_SESSION_KEY = "active_organisation"


def organisations_of(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("display_name")


def active_organisation(user, session=None) -> Organisation | None:
    """The organisation the user acts for: the one chosen in this session when the user still
    belongs to it, else the one joined first."""
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    chosen = session.get(ACTIVE_ORGANISATION_SESSION_KEY) if session is not None else None
    if chosen:
        membership = memberships.filter(organisation__public_id=chosen).first()
        if membership:
            return membership.organisation
    membership = memberships.order_by("joined_at", "pk").first()
    return membership.organisation if membership else None


def choose_active_organisation(session, user, organisation: Organisation) -> None:
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise PermissionError("The user is not a member of this organisation.")
    session[ACTIVE_ORGANISATION_SESSION_KEY] = str(organisation.public_id)


def onboarding_missing(user, organisation: Organisation | None) -> list[str]:
    """What the account still lacks before it may pledge, as sentences for the person (empty
    when onboarding is complete)."""
    missing = []
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        missing.append(_("Verify your email address."))
    if organisation is None:
        missing.append(_("Create or join a sponsor organisation."))
        return missing
    if not organisation.has_declared:
        missing.append(
            _(
                "Declare that your organisation is not involved in excluded activities and "
                "accepts the UN Global Compact principles."
            )
        )
    if organisation.clearance == Clearance.DECLINED:
        missing.append(
            _("Your organisation was declined in due diligence; contact the organisers.")
        )
    return missing
