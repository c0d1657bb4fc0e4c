"""The portal's overview page and choosing the organisation one acts for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sponsors.forms import SwitchOrganisationForm
from sponsors.invitations import pending_invitations_for
from sponsors.membership import (
    active_organisation,
    choose_active_organisation,
    onboarding_missing,
    organisations_of,
)
from sponsors.models import Clearance, ContactRole, Membership
from sponsors.portal import portal_view


@portal_view
def dashboard(request):
    organisation = request.organisation
    context = {
        "section": "overview",
        "organisation": organisation,
        "membership": request.membership,
        "missing": onboarding_missing(request.user, organisation),
        "pending_review": organisation.clearance == Clearance.PENDING,
        "contacts": [
            (role, organisation.contact_for(role))
            for role in (ContactRole.PRIMARY, ContactRole.SIGNATORY, ContactRole.FINANCE)
        ],
        "has_contacts": organisation.contacts.exists(),
        "team_size": organisation.memberships.count(),
        "invitations": pending_invitations_for(request.user),
    }
    return render(request, "sponsors/dashboard.html", context)


@login_required
def organisations(request):
    current = active_organisation(request.user, request.session)
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__display_name")
    )
    return render(
        request,
        "sponsors/organisations.html",
        {
            "section": "organisations",
            "memberships": memberships,
            "current": current,
            "invitations": pending_invitations_for(request.user),
        },
    )


@login_required
@require_POST
def switch_organisation(request):
    form = SwitchOrganisationForm(request.POST)
    organisation = None
    if form.is_valid():
        organisation = (
            organisations_of(request.user)
            .filter(public_id=form.cleaned_data["organisation"])
            .first()
        )
    if organisation is None:
        raise Http404(_("You are not a member of this organisation."))
    choose_active_organisation(request.session, request.user, organisation)
    messages.success(request, _("You now act for %(name)s.") % {"name": organisation.display_name})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "sponsors:dashboard"
    return redirect(next_url)
