"""A team: inviting people by email, accepting, revoking, and managing members' roles.

Only an organisation's administrators invite and manage (the views check it; these functions
check it again with `require_admin`). An organisation always keeps at least one administrator.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sponsors.models import Invitation, InvitationStatus, MemberRole, Membership, Organisation

INVITATION_DAYS = getattr(settings, "SPONSOR_INVITATION_DAYS", 14)


class TeamError(Exception):
    """A team change the rules refuse; the message is for the person."""


def require_admin(user, organisation: Organisation) -> Membership:
    """The user's membership when they administer the organisation, else TeamError."""
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None or not membership.is_admin:
        raise TeamError(_("Only the organisation's administrators can manage its team."))
    return membership


def invite(organisation: Organisation, by, email: str, role: str = MemberRole.MEMBER):
    """Invite `email` to join the organisation with `role`, and email the link after commit.

    Guarantees: only an admin invites; nobody already in the team is invited; a pending
    invitation to the same address is replaced (its old link stops working), so there is at
    most one live link per address and organisation.
    """
    email = email.strip()
    require_admin(by, organisation)
    if role not in MemberRole.values:
        raise TeamError(_("Unknown role."))
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
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
    from worker import outbox

    outbox.enqueue(
        "worker.tasks.mail.send_sponsor_invitation",
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
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
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


def change_role(membership: Membership, by, role: str) -> Membership:
    """Change a member's role (an admin only); the last administrator cannot be demoted."""
    require_admin(by, membership.organisation)
    if role not in MemberRole.values:
        raise TeamError(_("Unknown role."))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.is_admin and role != MemberRole.ADMIN:
            _keep_an_admin(locked)
        locked.role = role
        locked.save(update_fields=["role"])
    return locked


def remove_member(membership: Membership, by) -> None:
    """Remove a member from the team (an admin, or the member leaving); the last
    administrator cannot be removed."""
    if membership.user_id != by.pk:
        require_admin(by, membership.organisation)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.is_admin:
            _keep_an_admin(locked)
        locked.delete()


def _keep_an_admin(membership: Membership) -> None:
    admins = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=MemberRole.ADMIN
    )
    if not admins.exclude(pk=membership.pk).exists():
        raise TeamError(
            _("The organisation needs at least one administrator: appoint another first.")
        )
