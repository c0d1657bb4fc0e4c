"""The active organisation's profile, and its edit by an administrator."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.core.request_limits import upload_limits
from sponsors.forms import OrganisationForm
from sponsors.logos import MAX_LOGO_BYTES
from sponsors.models import Clearance, Organisation
from sponsors.portal import portal_view
from sponsors.services import update_organisation


@portal_view
def organisation_detail(request):
    return render(
        request,
        "sponsors/organisation_detail.html",
        {
            "section": "organisation",
            "organisation": request.organisation,
            "membership": request.membership,
        },
    )


@upload_limits(logo=MAX_LOGO_BYTES)
@portal_view(admin_only=True)
def organisation_edit(request):
    organisation = request.organisation
    was_cleared = organisation.clearance == Clearance.CLEARED
    # A fresh instance: an invalid form must not leave bad values on request.organisation.
    form = OrganisationForm(
        request.POST or None,
        request.FILES or None,
        instance=Organisation.objects.get(pk=organisation.pk),
        prefix="org",
    )
    if request.method == "POST":
        if form.is_valid():
            organisation = update_organisation(
                form.save(commit=False), form.changed_data, by=request.user
            )
            if was_cleared and organisation.clearance == Clearance.PENDING:
                messages.warning(
                    request,
                    _("Saved. The change goes back to the organisers for due-diligence review."),
                )
            else:
                messages.success(request, _("The organisation's profile is saved."))
            return redirect("sponsors:organisation")
    return render(
        request,
        "sponsors/organisation_form.html",
        {"section": "organisation", "organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )
