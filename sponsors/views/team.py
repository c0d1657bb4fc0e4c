"""The active organisation's team: members with their roles and granted capabilities,
invitations, the history of team changes, and accepting an invitation."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sponsors import invitations
from sponsors.forms import InvitationForm, MembershipForm
from sponsors.membership import (
    ACTIVE_ORGANISATION_SESSION_KEY,
    Action,
    capability_table,
    choose_active_organisation,
    membership_allows,
)
from sponsors.models import Invitation, InvitationStatus, MemberRole, Membership
from sponsors.portal import portal_view, refuse

PER_PAGE = 25
HISTORY_ROWS = 20


@portal_view
def team(request):
    organisation = request.organisation
    members = organisation.memberships.select_related("user").order_by(
        "user__first_name", "user__email"
    )
    all_invitations = organisation.invitations.select_related("invited_by")
    is_admin = membership_allows(request.membership, Action.MANAGE_TEAM)
    columns, rows = capability_table()
    return render(
        request,
        "sponsors/team.html",
        {
            "section": "team",
            "organisation": organisation,
            "membership": request.membership,
            "is_admin": is_admin,
            "page_obj": Paginator(members, PER_PAGE).get_page(request.GET.get("page")),
            "invitations": [i for i in all_invitations[:200] if i.status == "pending"],
            "has_invitation_history": all_invitations.exists(),
            "roles": MemberRole.choices,
            "admin_count": organisation.memberships.filter(role=MemberRole.ADMIN).count(),
            "capability_columns": columns,
            "capability_rows": rows,
            "changes": organisation.membership_changes.select_related("actor")[:HISTORY_ROWS],
            "invitation_limit": invitations.invitation_limit_problem(organisation)
            if is_admin
            else None,
        },
    )


@portal_view(admin_only=True)
def invitation_list(request):
    invitations_page = Paginator(
        request.organisation.invitations.select_related("invited_by", "accepted_by"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "sponsors/invitation_list.html",
        {"section": "team", "organisation": request.organisation, "page_obj": invitations_page},
    )


@portal_view(admin_only=True)
def invite(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invite(
                request.organisation,
                request.user,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
            )
        except invitations.InvitationLimitReached as exc:
            form.add_error(None, str(exc))
        except invitations.TeamError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return redirect("sponsors:team")
    return render(
        request,
        "sponsors/invite.html",
        {
            "section": "team",
            "form": form,
            "limit": None
            if form.errors
            else invitations.invitation_limit_problem(request.organisation),
        },
        status=400 if form.errors else 200,
    )


@portal_view(admin_only=True)
@require_POST
def revoke_invitation(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk, organisation=request.organisation)
    try:
        invitations.revoke(invitation, request.user)
    except invitations.TeamError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("sponsors:team")


@portal_view(admin_only=True)
@require_POST
def change_role(request, pk):
    membership = get_object_or_404(Membership, pk=pk, organisation=request.organisation)
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("sponsors:team")
    data = form.cleaned_data
    try:
        changes = invitations.change_membership(
            membership,
            request.user,
            role=data["role"],
            may_pledge=data["may_pledge"],
            may_pay=data["may_pay"],
        )
    except invitations.TeamError as exc:
        messages.error(request, str(exc))
    else:
        name = _member_name(membership)
        if changes:
            messages.success(request, _("%(name)s's role is changed.") % {"name": name})
        else:
            messages.info(request, _("Nothing changed for %(name)s.") % {"name": name})
    return redirect("sponsors:team")


@portal_view
@require_POST
def remove_member(request, pk):
    membership = get_object_or_404(Membership, pk=pk, organisation=request.organisation)
    leaving = membership.user_id == request.user.pk
    if not leaving and not membership_allows(request.membership, Action.MANAGE_TEAM):
        return refuse(request, request.organisation, Action.MANAGE_TEAM)
    try:
        invitations.remove_member(membership, request.user)
    except invitations.TeamError as exc:
        messages.error(request, str(exc))
        return redirect("sponsors:team")
    if leaving:
        request.session.pop(ACTIVE_ORGANISATION_SESSION_KEY, None)
        messages.success(
            request,
            _("You have left %(name)s.") % {"name": request.organisation.display_name},
        )
        return redirect("sponsors:dashboard")
    messages.success(
        request, _("%(name)s is removed from the team.") % {"name": _member_name(membership)}
    )
    return redirect("sponsors:team")


def _member_name(membership) -> str:
    return membership.user.get_full_name() or membership.user.email


def accept_invitation(request, token):
    """The invitation link: who invited whom, to which organisation, in which role. Signed
    out, it offers to create the account with the invited address filled in, or to sign in,
    and comes back here; signed in with that address, it accepts."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token
    )
    inviter = invitation.invited_by
    inviter_name = (inviter.get_full_name() or inviter.email) if inviter else ""
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        here = request.get_full_path()
        query = urlencode({"email": invitation.email, "next": here})
        return render(
            request,
            "sponsors/invitation_signed_out.html",
            {
                "invitation": invitation,
                "inviter_name": inviter_name,
                "pending": invitation.status == InvitationStatus.PENDING,
                "signup_url": f"{reverse('account_signup')}?{query}",
                "login_url": f"{reverse('account_login')}?{query}",
            },
        )
    error = None
    if request.method == "POST":
        try:
            membership = invitations.accept(token, request.user)
        except invitations.TeamError as exc:
            error = str(exc)
        else:
            choose_active_organisation(request.session, request.user, membership.organisation)
            messages.success(
                request,
                _("Welcome to %(name)s.") % {"name": membership.organisation.display_name},
            )
            return redirect("sponsors:dashboard")
    status = invitation.status
    return render(
        request,
        "sponsors/accept_invitation.html",
        {
            "section": "organisations",
            "invitation": invitation,
            "inviter_name": inviter_name,
            "pending": status == InvitationStatus.PENDING,
            "email_matches": invitations.email_matches(request.user, invitation.email),
            "error": error,
        },
        status=400 if error else 200,
    )
