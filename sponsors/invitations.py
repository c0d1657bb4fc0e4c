"""A team: inviting people by email, accepting, revoking, and managing members' roles and
granted capabilities.

Only those who may manage the team (administrators, see `sponsors/membership.py`) invite and
manage (the views check it; these functions check it again with `require_admin`). An
organisation always keeps at least one administrator. Every change of a member's role or
grants, joining and leaving included, is written to `MembershipChange` (who, when, from, to).

Invitations are limited per organisation, so a team page cannot be used to mail arbitrary
addresses: at most `INVITATIONS_PER_DAY` sent in any 24 hours (a resend is a new invitation
and counts) and at most `PENDING_INVITATIONS_MAX` waiting for an answer.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sponsors import tasks
from sponsors.membership import Action, membership_allows, membership_of
from sponsors.models import (
    Invitation,
    InvitationStatus,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipChangeKind,
    Organisation,
)
from worker import outbox

INVITATION_DAYS = getattr(settings, "SPONSOR_INVITATION_DAYS", 14)
INVITATIONS_PER_DAY = getattr(settings, "SPONSOR_INVITATIONS_PER_DAY", 20)
PENDING_INVITATIONS_MAX = getattr(settings, "SPONSOR_PENDING_INVITATIONS_MAX", 50)
INVITATION_WINDOW = datetime.timedelta(hours=24)
GRANTS = (
    ("may_pledge", MembershipChangeKind.MAY_PLEDGE),
    ("may_pay", MembershipChangeKind.MAY_PAY),
)


class TeamError(Exception):
    """A team change the rules refuse; the message is for the person."""


class InvitationLimitReached(TeamError):
    """The organisation has sent or left pending as many invitations as it may."""


def require_admin(user, organisation: Organisation) -> Membership:
    """The user's membership when they may manage the team, else TeamError."""
    membership = membership_of(user, organisation)
    if not membership_allows(membership, Action.MANAGE_TEAM):
        raise TeamError(_("Only the organisation's administrators can manage its team."))
    return membership


def invitation_limit_problem(organisation: Organisation, email: str = "") -> str | None:
    """Why the organisation may not send another invitation now (None when it may). A pending
    invitation to `email` is not counted as pending: inviting again replaces it."""
    now = timezone.now()
    recent = Invitation.objects.filter(
        organisation=organisation, created_at__gt=now - INVITATION_WINDOW
    )
    if recent.count() >= INVITATIONS_PER_DAY:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        again = formats.date_format(
            timezone.localtime(oldest + INVITATION_WINDOW), "DATETIME_FORMAT"
        )
        return _(
            "%(organisation)s has sent %(limit)s invitations in the last 24 hours, the most "
            "allowed. Nothing was sent; you can invite again from %(again)s onwards."
        ) % {
            "organisation": organisation.display_name,
            "limit": INVITATIONS_PER_DAY,
            "again": again,
        }
    pending = Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    if email:
        pending = pending.exclude(email__iexact=email)
    if pending.count() >= PENDING_INVITATIONS_MAX:
        return _(
            "%(organisation)s has %(limit)s invitations waiting for an answer, the most "
            "allowed. Nothing was sent: withdraw some on the team page first."
        ) % {"organisation": organisation.display_name, "limit": PENDING_INVITATIONS_MAX}
    return None


def invite(organisation: Organisation, by, email: str, role: str = MemberRole.MEMBER):
    """Invite `email` to join the organisation with `role`, and email the link after commit.

    Guarantees: only an admin invites; nobody already in the team is invited; a pending
    invitation to the same address is replaced (its old link stops working), so there is at
    most one live link per address and organisation; the limits (per 24 hours, pending) hold
    under concurrency (the organisation row is locked while counting) — over them
    `InvitationLimitReached` is raised and nothing is written or sent.
    """
    email = email.strip()
    require_admin(by, organisation)
    if role not in MemberRole.values:
        raise TeamError(_("Unknown role."))
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        problem = invitation_limit_problem(organisation, email)
        if problem:
            raise InvitationLimitReached(problem)
        if (
            Membership.objects.filter(
                organisation=organisation, user__emailaddress__email__iexact=email
            ).exists()
            or Membership.objects.filter(
                organisation=organisation, user__email__iexact=email
            ).exists()
        ):
            raise TeamError(_("%(email)s is already in the team.") % {"email": email})
        now = timezone.now()
        Invitation.objects.filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=by,
            expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
        )
        _queue_invitation_email(invitation.pk)
    return invitation


def _queue_invitation_email(invitation_id: int) -> None:
    """Enqueue the email task in the current transaction (outbox: sent after commit)."""
    outbox.enqueue(
        tasks.send_invitation,
        invitation_id,
        key=f"sponsor-invitation:{invitation_id}",
    )


def revoke(invitation: Invitation, by) -> Invitation:
    """Revoke a pending invitation so its link no longer works (an admin only)."""
    require_admin(by, invitation.organisation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != InvitationStatus.PENDING:
            raise TeamError(
                _("This invitation is %(status)s; only a pending one can be revoked.")
                % {"status": locked.get_status_display().lower()}
            )
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


def email_matches(user, email: str) -> bool:
    """True when `email` is one of the user's verified addresses."""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def accept(token: str, user) -> Membership:
    """Accept the invitation with `token` as `user`.

    Guarantees: the invitation is pending (not accepted, revoked or expired) and addressed to
    one of the user's verified emails; the membership is created (or kept, if the user joined
    meanwhile) and the invitation marked accepted in one transaction, so a link works once.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token=token).first()
        if invitation is None:
            raise TeamError(_("This invitation link is not valid."))
        status = invitation.status
        if status == InvitationStatus.ACCEPTED:
            raise TeamError(_("This invitation has already been accepted."))
        if status == InvitationStatus.REVOKED:
            raise TeamError(_("This invitation was withdrawn; ask the organisation for a new one."))
        if status == InvitationStatus.EXPIRED:
            raise TeamError(_("This invitation has expired; ask the organisation for a new one."))
        if not email_matches(user, invitation.email):
            raise TeamError(
                _(
                    "This invitation was sent to %(email)s. Sign in with that address "
                    "(verified) to accept it."
                )
                % {"email": invitation.email}
            )
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        if created:
            _record(
                membership,
                user,
                MembershipChangeKind.ROLE,
                "",
                membership.role,
                _("Accepted the invitation sent by %(inviter)s.")
                % {"inviter": _name(invitation.invited_by)},
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def pending_invitations_for(user) -> list[Invitation]:
    """Pending invitations addressed to any of the user's verified emails."""
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    if not emails:
        return []
    addressed = Q()
    for email in emails:
        addressed |= Q(email__iexact=email)
    return list(
        Invitation.objects.filter(
            addressed,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(organisation__memberships__user=user)
        .select_related("organisation")
    )


def change_membership(
    membership: Membership,
    by,
    *,
    role: str | None = None,
    may_pledge: bool | None = None,
    may_pay: bool | None = None,
) -> list[MembershipChange]:
    """Change a member's role and granted capabilities (None leaves one as it is); an admin
    only. Guarantees: the last administrator is never demoted (team changes of the
    organisation are serialised by locking its row, so two administrators demoting each other
    at once leave one); each value that really changes is audited (who, when, from, to).
    Returns the changes recorded (empty when nothing changed)."""
    require_admin(by, membership.organisation)
    if role is not None and role not in MemberRole.values:
        raise TeamError(_("Unknown role."))
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        locked = Membership.objects.select_related("user").select_for_update().get(pk=membership.pk)
        changes = []
        if role is not None and role != locked.role:
            if locked.is_admin:
                _keep_an_admin(locked)
            changes.append(_record(locked, by, MembershipChangeKind.ROLE, locked.role, role))
            locked.role = role
        for field, kind in GRANTS:
            wanted = {"may_pledge": may_pledge, "may_pay": may_pay}[field]
            if wanted is not None and bool(wanted) != getattr(locked, field):
                changes.append(_record(locked, by, kind, _yes_no(not wanted), _yes_no(wanted)))
                setattr(locked, field, bool(wanted))
        if changes:
            locked.save(update_fields=["role", "may_pledge", "may_pay"])
    return changes


def change_role(membership: Membership, by, role: str) -> Membership:
    """Change a member's role only (see `change_membership`)."""
    change_membership(membership, by, role=role)
    return Membership.objects.get(pk=membership.pk)


def remove_member(membership: Membership, by) -> None:
    """Remove a member from the team (an admin, or the member leaving); the last
    administrator cannot be removed. The departure is audited."""
    if membership.user_id != by.pk:
        require_admin(by, membership.organisation)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        locked = Membership.objects.select_related("user").select_for_update().get(pk=membership.pk)
        if locked.is_admin:
            _keep_an_admin(locked)
        reason = _("Left the team.") if locked.user_id == by.pk else _("Removed from the team.")
        _record(locked, by, MembershipChangeKind.ROLE, locked.role, "", reason)
        locked.delete()


def _record(membership, by, kind, from_value, to_value, reason="") -> MembershipChange:
    return MembershipChange.objects.create(
        organisation_id=membership.organisation_id,
        member=membership.user,
        member_email=membership.user.email,
        actor=by,
        kind=kind,
        from_state=from_value,
        to_state=to_value,
        reason=reason,
    )


def _yes_no(value) -> str:
    return "yes" if value else "no"


def _name(user) -> str:
    if user is None:
        return _("a former member")
    return user.get_full_name() or user.email


def _keep_an_admin(membership: Membership) -> None:
    admins = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=MemberRole.ADMIN
    )
    if not admins.exclude(pk=membership.pk).exists():
        raise TeamError(
            _("The organisation needs at least one administrator: appoint another first.")
        )
