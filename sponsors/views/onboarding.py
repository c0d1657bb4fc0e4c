"""Creating a sponsor organisation, right after sign-up or later for another organisation. A
person who was pledging a package when they were asked to register goes back to it after
(`portal.remember_return`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marketplace.core.request_limits import upload_limits
from sponsors.forms import OrganisationForm, PrimaryContactForm
from sponsors.invitations import pending_invitations_for
from sponsors.languages import supported
from sponsors.logos import MAX_LOGO_BYTES
from sponsors.membership import choose_active_organisation, organisations_of
from sponsors.portal import RETURN_KEY, return_url
from sponsors.services import create_organisation


@upload_limits(logo=MAX_LOGO_BYTES)
@login_required
def onboarding(request):
    user = request.user
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES, prefix="org")
        contact_form = PrimaryContactForm(request.POST, prefix="contact")
        if form.is_valid() and contact_form.is_valid():
            organisation = create_organisation(
                user, form.save(commit=False), contact_form.cleaned_data
            )
            choose_active_organisation(request.session, user, organisation)
            back = return_url(request)
            request.session.pop(RETURN_KEY, None)
            messages.success(
                request,
                _("%(name)s is registered. The organisers will review it shortly.")
                % {"name": organisation.display_name},
            )
            return redirect(back or "sponsors:dashboard")
        status = 400
    else:
        # The organisation's documents start in the language its administrator signs up in.
        form = OrganisationForm(prefix="org", initial={"language": supported(get_language())})
        contact_form = PrimaryContactForm(
            prefix="contact", initial={"name": user.get_full_name(), "email": user.email}
        )
        status = 200
    context = {
        "section": "organisations",
        "form": form,
        "contact_form": contact_form,
        "has_organisations": organisations_of(user).exists(),
        "invitations": pending_invitations_for(user),
        "next": return_url(request),
    }
    return render(request, "sponsors/onboarding.html", context, status=status)
