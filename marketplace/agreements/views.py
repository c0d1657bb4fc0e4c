"""The sponsor's agreement page: read the agreement, download its PDF, sign it; later download
the executed copy. Only members of the pledging organisation find an agreement here; anyone
else gets 404, exactly as for an agreement that does not exist. Every member reads it; only a
signatory or an administrator signs (`sponsors.membership`), and the page names them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from marketplace.agreements import services, signing
from marketplace.agreements.errors import AgreementError
from marketplace.agreements.forms import SignForm
from marketplace.agreements.models import Agreement
from marketplace.core.client import client_ip
from sponsors.membership import Action, can, holders, refusal


def members_agreements(user):
    """Agreements of every organisation the user belongs to."""
    return Agreement.objects.filter(pledge__organisation__memberships__user=user).select_related(
        "pledge", "pledge__event", "pledge__organisation"
    )


def _own_agreement(request, public_id) -> Agreement:
    return get_object_or_404(members_agreements(request.user), public_id=public_id)


def confirm_label(agreement) -> str:
    return _(
        "I have read agreement %(label)s and sign it on behalf of %(organisation)s, which I am "
        "authorised to bind."
    ) % {"label": agreement.label, "organisation": agreement.content["sponsor"]["legal_name"]}


@login_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request, public_id):
    agreement = _own_agreement(request, public_id)
    form = SignForm(
        request.POST or None,
        initial={"document_sha256": agreement.sha256},
        confirm_label=confirm_label(agreement),
    )
    organisation = agreement.pledge.organisation
    may_sign = can(request.user, organisation, Action.SIGN)
    status = 200
    if request.method == "POST" and not may_sign:
        # Refused before the form is read: the page says which role signs and who holds it.
        status = 403
    elif request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                signing.sign_as_sponsor(
                    agreement,
                    user=request.user,
                    full_name=data["full_name"],
                    title=data["title"],
                    confirmed=data["confirm"],
                    document_sha256=data["document_sha256"],
                    ip_address=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except AgreementError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("You signed %(label)s. The organisers countersign it next.")
                    % {"label": agreement.label},
                )
                return redirect("agreements:detail", public_id=agreement.public_id)
        status = 400
    current = services.current_agreement(agreement.pledge)
    return render(
        request,
        "agreements/portal/agreement_detail.html",
        {
            "agreement": agreement,
            "c": agreement.content,
            "form": form,
            "current": current if current and current.pk != agreement.pk else None,
            "signatures": list(agreement.signatures.all()),
            "history": agreement.history.select_related("actor"),
            "may_sign": may_sign,
            "signers": holders(organisation, Action.SIGN),
            "sign_refusal": "" if may_sign else refusal(organisation, Action.SIGN),
            "refused": status == 403,
        },
        status=status,
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def agreement_pdf(request, public_id):
    agreement = _own_agreement(request, public_id)
    if not agreement.pdf:
        raise Http404
    return pdf_response(services.pdf_bytes(agreement), f"{agreement.file_stem}.pdf")


@login_required
def executed_pdf(request, public_id):
    agreement = _own_agreement(request, public_id)
    if not agreement.executed_pdf:
        raise Http404
    return pdf_response(
        services.pdf_bytes(agreement, executed=True), f"{agreement.file_stem}-executed.pdf"
    )
