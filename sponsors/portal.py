"""Access to the sponsor portal: who is signed in, for which organisation, with which role.

Every portal view is wrapped in `portal_view`; it resolves the active organisation from the
session (never from the URL), so a person only ever reaches their own organisations' data.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from sponsors.membership import active_organisation
from sponsors.models import Membership


def is_sponsor_account(user) -> bool:
    """True for people who sign up to sponsor; false for staff and organisers, who work in the
    Wagtail admin and are never sent to onboarding."""
    return (
        user.is_authenticated
        and not user.is_staff
        and not user.has_perm("wagtailadmin.access_admin")
    )


def portal_view(view=None, *, admin_only=False):
    """Decorate a portal view: sign-in required, an organisation required (else onboarding),
    and with `admin_only` the organisation's administrator role (else 403). Sets
    `request.organisation` and `request.membership`."""

    def decorator(func):
        @login_required
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            organisation = active_organisation(request.user, request.session)
            if organisation is None:
                return redirect("sponsors:onboarding")
            membership = Membership.objects.get(user=request.user, organisation=organisation)
            if admin_only and not membership.is_admin:
                raise PermissionDenied(_("Only the organisation's administrators can do this."))
            request.organisation = organisation
            request.membership = membership
            return func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
