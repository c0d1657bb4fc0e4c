"""Access to the sponsor portal: who is signed in, for which organisation, with which role.

Every portal view is wrapped in `portal_view`; it resolves the active organisation from the
session (never from the URL), so a person only ever reaches their own organisations' data.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from sponsors.membership import (
    Action,
    active_organisation,
    holders,
    membership_allows,
    membership_of,
    refusal,
)
from sponsors.models import Membership


def is_sponsor_account(user) -> bool:
    """True for people who sign up to sponsor; false for staff and organisers, who work in the
    Wagtail admin and are never sent to onboarding."""
    return (
        user.is_authenticated
        and not user.is_staff
        and not user.has_perm("wagtailadmin.access_admin")
    )


def refuse(request, organisation, action: Action, *, back_url: str = ""):
    """The page for a member whose role does not allow `action` (403): the role needed and who
    in the organisation holds it, rather than a bare "forbidden"."""
    return render(
        request,
        "sponsors/not_allowed.html",
        {
            "message": refusal(organisation, action),
            "organisation": organisation,
            "membership": membership_of(request.user, organisation),
            "holders": holders(organisation, action),
            "back_url": back_url,
        },
        status=403,
    )


def refusal_unless(request, organisation, action: Action, *, back_url: str = ""):
    """None when the signed-in user may do `action` for `organisation`, else the refusal page
    (views: `if refused := refusal_unless(...): return refused`)."""
    if membership_allows(membership_of(request.user, organisation), action):
        return None
    return refuse(request, organisation, action, back_url=back_url)


def portal_view(view=None, *, admin_only=False):
    """Decorate a portal view: sign-in required, an organisation required (else onboarding),
    and with `admin_only` the right to manage the organisation and its team (else the refusal
    page, 403). Sets `request.organisation` and `request.membership`."""

    def decorator(func):
        @login_required
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            organisation = active_organisation(request.user, request.session)
            if organisation is None:
                return redirect("sponsors:onboarding")
            membership = Membership.objects.get(user=request.user, organisation=organisation)
            if admin_only and not membership_allows(membership, Action.MANAGE_TEAM):
                return refuse(request, organisation, Action.MANAGE_TEAM)
            request.organisation = organisation
            request.membership = membership
            return func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


# Where a person who was about to pledge returns once their organisation is registered (kept
# in the session, so it survives sign-up and the email confirmation in the same browser).
RETURN_KEY = "onboarding_return_to"


def remember_return(request, url: str) -> None:
    """Remember `url` (a path on this site) as where onboarding sends the person back to."""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=False):
        request.session[RETURN_KEY] = url


def return_url(request, default: str = "") -> str:
    """The remembered page, or `default`; a `next` given with the request wins."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return request.session.get(RETURN_KEY) or default
