"""The sponsor portal's pledge pages: pledge a package, join its waiting list, list and read the
organisation's pledges, cancel one. Thin: input goes through forms, rules through services.

A pledge is found only among the organisations the user belongs to, so anyone else gets 404,
exactly as for a pledge that does not exist. Every member reads; pledging, cancelling and
taking up an offer need the role or grant `sponsors.membership` says, else the refusal page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.availability import availability_for
from marketplace.pledges import services, submission, waitlist
from marketplace.pledges.documents import documents_of
from marketplace.pledges.errors import OnboardingIncomplete, PledgeError
from marketplace.pledges.forms import PledgeForm
from marketplace.pledges.models import (
    ACTIVE_WAITLIST_STATES,
    Pledge,
    WaitlistEntry,
    WaitlistStatus,
)
from marketplace.pledges.todo import todo_by_pledge
from sponsors.membership import Action, active_organisation, can, onboarding_missing, refusal
from sponsors.portal import refusal_unless, remember_return

PLEDGES_PER_PAGE = 20


def _own_pledge(request, public_id) -> Pledge:
    return get_object_or_404(
        Pledge.objects.of_member(request.user).select_related(
            "organisation", "event", "accepted_terms"
        ),
        public_id=public_id,
    )


@login_required
def pledge_list(request):
    organisation = active_organisation(request.user, request.session)
    pledges = Pledge.objects.none()
    entries = []
    if organisation is not None:
        pledges = Pledge.objects.filter(organisation=organisation).select_related("event")
        entries = list(
            WaitlistEntry.objects.filter(
                organisation=organisation, status__in=ACTIVE_WAITLIST_STATES
            ).select_related("package", "offer")
        )
    page = Paginator(pledges, PLEDGES_PER_PAGE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    todo = todo_by_pledge(on_page)
    for pledge in on_page:
        pledge.todo = [item for item in todo.get(pledge.pk, []) if not item.waiting]
    return render(
        request,
        "pledges/pledge_list.html",
        {
            "organisation": organisation,
            "page_obj": page,
            "pledges": on_page,
            "waitlist_entries": entries,
            "missing": onboarding_missing(request.user, organisation),
        },
    )


DOCUMENTS_PER_PAGE = 25


@login_required
def documents(request):
    """Every receipt, invoice, credit note and agreement of the organisation acted for, newest
    first, with its download (`documents.py`). Every member reads them."""
    organisation = active_organisation(request.user, request.session)
    if organisation is None:
        return redirect("sponsors:onboarding")
    page = Paginator(documents_of(organisation), DOCUMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "pledges/documents.html",
        {"organisation": organisation, "page_obj": page, "documents": page.object_list},
    )


@login_required
def pledge_detail(request, public_id):
    pledge = _own_pledge(request, public_id)
    offer = WaitlistEntry.objects.filter(offer=pledge, status=WaitlistStatus.OFFERED).first()
    organisation = pledge.organisation
    may_pledge = can(request.user, organisation, Action.PLEDGE)
    may_cancel = can(request.user, organisation, Action.CANCEL)
    return render(
        request,
        "pledges/pledge_detail.html",
        {
            "pledge": pledge,
            "history": pledge.history.select_related("actor"),
            "offer": offer,
            "may_accept_offer": may_pledge,
            "offer_refusal": "" if may_pledge else refusal(organisation, Action.PLEDGE),
            "can_cancel": pledge.holds_until is not None and may_cancel,
            "cancel_refusal": ""
            if may_cancel or pledge.holds_until is None
            else refusal(organisation, Action.CANCEL),
            "pay_refusal": ""
            if can(request.user, organisation, Action.PAY)
            else refusal(organisation, Action.PAY),
        },
    )


@login_required
def pledge_cancel(request, public_id):
    pledge = _own_pledge(request, public_id)
    back = reverse("pledges:detail", args=[pledge.public_id])
    if refused := refusal_unless(request, pledge.organisation, Action.CANCEL, back_url=back):
        return refused
    if request.method == "POST":
        try:
            services.cancel(pledge, actor=request.user, by_sponsor=True)
        except PledgeError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Pledge %(reference)s is cancelled.") % {"reference": pledge.reference}
            )
        return redirect("pledges:detail", public_id=pledge.public_id)
    return render(request, "pledges/pledge_cancel.html", {"pledge": pledge})


@login_required
@require_POST
def accept_offer(request, public_id):
    pledge = _own_pledge(request, public_id)
    back = reverse("pledges:detail", args=[pledge.public_id])
    if refused := refusal_unless(request, pledge.organisation, Action.PLEDGE, back_url=back):
        return refused
    try:
        waitlist.accept_offer(pledge, actor=request.user)
    except PledgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You accepted the offer."))
    return redirect("pledges:detail", public_id=pledge.public_id)


@login_required
def pledge_create(request, package_id):
    return _pledge_or_wait(request, package_id, joining_waitlist=False)


@login_required
def waitlist_join(request, package_id):
    return _pledge_or_wait(request, package_id, joining_waitlist=True)


@login_required
@require_POST
def waitlist_leave(request, entry_id):
    entry = get_object_or_404(
        WaitlistEntry.objects.filter(organisation__memberships__user=request.user), pk=entry_id
    )
    back = reverse("pledges:list")
    if refused := refusal_unless(request, entry.organisation, Action.PLEDGE, back_url=back):
        return refused
    try:
        waitlist.leave_waitlist(entry, actor=request.user)
    except PledgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You left the waiting list."))
    return redirect("pledges:list")


def _pledge_or_wait(request, package_id, *, joining_waitlist):
    try:
        package = services.published_package(package_id)
    except PledgeError:
        return render(request, "pledges/unavailable.html", status=404)
    event = package.event
    organisation = active_organisation(request.user, request.session)
    missing = onboarding_missing(request.user, organisation)
    if missing:
        remember_return(request, request.path)  # onboarding comes back here
        return render(
            request,
            "pledges/onboarding_needed.html",
            {
                "package": package,
                "event": event,
                "missing": missing,
                "needs_organisation": organisation is None,
                "back_here": request.path,
            },
            status=403,
        )
    if refused := refusal_unless(request, organisation, Action.PLEDGE, back_url=package.url):
        return refused
    availability = availability_for([package])[package.pk]
    terms = services.current_terms(event)
    allowance = services.allowance_of(
        organisation.pk,
        package,
        # The waiting list is for more than is left: only the maximum per sponsor bounds it.
        available=None if joining_waitlist else availability.available,
    )
    posted_token = request.POST.get("form_token", "") if not joining_waitlist else ""
    if request.method == "POST" and not joining_waitlist:
        # A second click on "Pledge" (or the page sent again) lands on the pledge it made.
        used = submission.used_form_token(posted_token, request.user)
        if used is not None:
            return _already_submitted(request, submission.AlreadySubmitted(used.pledge))
    form = PledgeForm(
        request.POST or None,
        max_quantity=allowance.left,
        initial={"terms_version": terms.version if terms else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = waitlist.join_waitlist if joining_waitlist else services.create_pledge
        once = {} if joining_waitlist else {"form_token": posted_token}
        try:
            result = action(
                user=request.user,
                organisation=organisation,
                package_id=package.pk,
                quantity=data["quantity"],
                payment_method=data["payment_method"],
                accept_terms=data["accept_terms"],
                terms_version=data["terms_version"],
                **once,
            )
        except submission.AlreadySubmitted as already:  # the same form, sent at the same time
            return _already_submitted(request, already)
        except submission.FormExpired as error:
            posted_token = ""  # a fresh token below
            form.add_error(None, error.message)
        except OnboardingIncomplete as error:  # e.g. declined between two clicks
            form.add_error(None, error.message)
        except PledgeError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            if joining_waitlist:
                messages.success(request, _("You are on the waiting list."))
                return redirect("pledges:list")
            messages.success(
                request,
                _("Pledge %(reference)s is recorded.") % {"reference": result.reference},
            )
            return redirect("pledges:detail", public_id=result.public_id)
    return render(
        request,
        "pledges/pledge_form.html",
        {
            "package": package,
            "event": event,
            "organisation": organisation,
            "availability": availability,
            "terms": terms,
            "form": form,
            "allowance": allowance.left,
            "own": allowance.own,
            "joining_waitlist": joining_waitlist,
            "closed": services.pledging_closed(event),
            # Kept across a corrected submission (a failed attempt did not use it).
            "form_token": ""
            if joining_waitlist
            else posted_token or submission.issue_form_token(request.user, package),
        },
        status=400 if request.method == "POST" else 200,
    )


def _already_submitted(request, already):
    messages.info(request, already.message)
    if already.pledge is None:
        return redirect("pledges:list")
    return redirect("pledges:detail", public_id=already.pledge.public_id)
