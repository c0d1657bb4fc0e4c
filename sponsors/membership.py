"""Which organisation a signed-in user acts for, what they may do in it, and whether their
account may pledge yet.

Pledges, payments, agreements, the portal and the API all ask these questions here, so the
answer is the same everywhere. What each role may do (`can`):

================  =============  =========  =======  ======  ==============================
action            Administrator  Signatory  Finance  Member  granted by the administrator
================  =============  =========  =======  ======  ==============================
VIEW              yes            yes        yes      yes     (every member reads everything,
                                                             documents and receipts included)
SIGN              yes            yes        no       no      never: a role, not a grant
PLEDGE, CANCEL    yes            no         no       no      "may pledge and cancel"
PAY               yes            no         yes      no      "may pay"
MANAGE_TEAM       yes            no         no       no      never: appoint an administrator
================  =============  =========  =======  ======  ==============================

Paying covers the card checkout and asking for the bank-transfer invoice.
"""

from enum import StrEnum

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sponsors.models import Clearance, MemberRole, Membership, Organisation


class Action(StrEnum):
    """What a member may be allowed to do for the organisation."""

    VIEW = "view"
    SIGN = "sign"
    PLEDGE = "pledge"
    CANCEL = "cancel"
    PAY = "pay"
    MANAGE_TEAM = "manage_team"


# The roles that carry each action, and the grant (a Membership field) that adds it.
ROLES_FOR = {
    Action.VIEW: (MemberRole.ADMIN, MemberRole.SIGNATORY, MemberRole.FINANCE, MemberRole.MEMBER),
    Action.SIGN: (MemberRole.ADMIN, MemberRole.SIGNATORY),
    Action.PLEDGE: (MemberRole.ADMIN,),
    Action.CANCEL: (MemberRole.ADMIN,),
    Action.PAY: (MemberRole.ADMIN, MemberRole.FINANCE),
    Action.MANAGE_TEAM: (MemberRole.ADMIN,),
}
GRANT_FOR = {Action.PLEDGE: "may_pledge", Action.CANCEL: "may_pledge", Action.PAY: "may_pay"}

# What the action is, as the start of a refusal: "<doing> needs the <roles> role".
DOING = {
    Action.VIEW: gettext_lazy("Reading the organisation's records"),
    Action.SIGN: gettext_lazy("Signing an agreement"),
    Action.PLEDGE: gettext_lazy("Pledging"),
    Action.CANCEL: gettext_lazy("Cancelling a pledge"),
    Action.PAY: gettext_lazy("Paying a pledge"),
    Action.MANAGE_TEAM: gettext_lazy("Managing the organisation and its team"),
}
# Short names, for the team page's table of roles.
ACTION_LABEL = {
    Action.VIEW: gettext_lazy("Read"),
    Action.SIGN: gettext_lazy("Sign agreements"),
    Action.PLEDGE: gettext_lazy("Pledge"),
    Action.CANCEL: gettext_lazy("Cancel pledges"),
    Action.PAY: gettext_lazy("Pay"),
    Action.MANAGE_TEAM: gettext_lazy("Manage the team"),
}
GRANT_LABEL = {
    "may_pledge": gettext_lazy("may pledge and cancel"),
    "may_pay": gettext_lazy("may pay"),
}


class NotAllowed(PermissionError):
    """The member's role does not allow the action; `message` says which role is needed and
    who in the organisation holds it."""

    def __init__(self, organisation: Organisation, action: Action):
        self.organisation = organisation
        self.action = Action(action)
        self.message = refusal(organisation, action)
        super().__init__(self.message)


def membership_of(user, organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def membership_allows(membership: Membership | None, action: Action) -> bool:
    """True when this membership's role, or a capability granted to it, allows `action`."""
    if membership is None:
        return False
    action = Action(action)
    if membership.role in ROLES_FOR[action]:
        return True
    grant = GRANT_FOR.get(action)
    return bool(grant and getattr(membership, grant))


def can(user, organisation, action: Action) -> bool:
    """Whether `user` may do `action` for `organisation`: the one rule pages, the API and the
    services ask. False for anyone who is not a member."""
    return membership_allows(membership_of(user, organisation), action)


def require(user, organisation, action: Action) -> Membership:
    """The user's membership when it allows `action`, else `NotAllowed` with the message."""
    membership = membership_of(user, organisation)
    if not membership_allows(membership, action):
        raise NotAllowed(organisation, action)
    return membership


def holders(organisation, action: Action) -> list[Membership]:
    """The members who may do `action` (administrators first, then by name)."""
    action = Action(action)
    allowed = Q(role__in=ROLES_FOR[action])
    if action in GRANT_FOR:
        allowed |= Q(**{GRANT_FOR[action]: True})
    rows = organisation.memberships.filter(allowed).select_related("user")
    order = {role: index for index, role in enumerate(MemberRole.values)}
    return sorted(rows, key=lambda m: (order.get(m.role, 99), m.display_name.lower(), m.pk))


def needed_roles(action: Action) -> str:
    """The roles (and grant) that allow `action`, in words: "the Signatory or Administrator
    role", "the Administrator role (or "may pay", granted by an administrator)"."""
    action = Action(action)
    roles = [MemberRole(role).label for role in reversed(ROLES_FOR[action])]
    if len(roles) == 1:
        words = _("the %(role)s role") % {"role": roles[0]}
    else:
        words = _("the %(roles)s or %(last)s role") % {
            "roles": ", ".join(str(role) for role in roles[:-1]),
            "last": roles[-1],
        }
    grant = GRANT_FOR.get(action)
    if grant:
        words = _("%(roles)s, or the capability “%(grant)s” granted by an administrator") % {
            "roles": words,
            "grant": GRANT_LABEL[grant],
        }
    return words


def capability_table() -> tuple[list[str], list[tuple[str, list[bool]]]]:
    """What each role may do without grants, for the team page: (column labels, rows of
    (role label, [allowed per action]))."""
    actions = list(Action)
    rows = [
        (MemberRole(role).label, [role in ROLES_FOR[action] for action in actions])
        for role in MemberRole.values
    ]
    return [ACTION_LABEL[action] for action in actions], rows


def refusal(organisation, action: Action) -> str:
    """The message for someone the rule refuses: which role is needed, and who holds it."""
    action = Action(action)
    sentence = _("%(doing)s needs %(roles)s.") % {
        "doing": DOING[action],
        "roles": needed_roles(action),
    }
    names = [m.display_name for m in holders(organisation, action)] if organisation else []
    if names:
        sentence += " " + _("In %(organisation)s: %(names)s.") % {
            "organisation": organisation.display_name,
            "names": ", ".join(names),
        }
    return sentence


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
