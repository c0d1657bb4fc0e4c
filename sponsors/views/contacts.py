"""The active organisation's contacts: everyone sees them, administrators change them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sponsors.forms import ContactForm
from sponsors.models import Contact
from sponsors.portal import portal_view
from sponsors.services import OrganisationError, delete_contact, save_contact

PER_PAGE = 25


def _contact(request, pk) -> Contact:
    # Looked up within the active organisation: another organisation's contact is a 404.
    return get_object_or_404(Contact, pk=pk, organisation=request.organisation)


@portal_view
def contact_list(request):
    page = Paginator(request.organisation.contacts.all(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sponsors/contact_list.html",
        {
            "section": "contacts",
            "organisation": request.organisation,
            "page_obj": page,
            "can_edit": request.membership.is_admin,
        },
    )


@portal_view(admin_only=True)
def contact_form(request, pk=None):
    contact = _contact(request, pk) if pk else Contact(organisation=request.organisation)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            save_contact(form.save(commit=False))
        except OrganisationError as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(request, _("The contact is saved."))
            return redirect("sponsors:contacts")
    return render(
        request,
        "sponsors/contact_form.html",
        {"section": "contacts", "form": form, "contact": contact if pk else None},
        status=400 if form.errors else 200,
    )


@portal_view(admin_only=True)
def contact_delete(request, pk):
    contact = _contact(request, pk)
    if request.method == "POST":
        try:
            delete_contact(contact)
        except OrganisationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s is removed.") % {"name": contact.name})
        return redirect("sponsors:contacts")
    return render(
        request, "sponsors/contact_delete.html", {"section": "contacts", "contact": contact}
    )
