"""The sponsor's payment pages: pay by card, come back from the checkout, ask for the invoice,
and download the pledge's finance documents. Members of the pledging organisation only; anyone
else gets 404, as for a pledge that does not exist. Every member downloads the documents;
paying needs the role or grant `sponsors.membership` says, else the refusal page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.finance import pdfs
from marketplace.finance.models import Receipt
from marketplace.payments import bank, checkout
from marketplace.payments.errors import PaymentError
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PledgeState
from sponsors.membership import Action
from sponsors.portal import refusal_unless


def _own_pledge(request, public_id) -> Pledge:
    return get_object_or_404(
        Pledge.objects.filter(organisation__memberships__user=request.user).select_related(
            "event", "organisation"
        ),
        public_id=public_id,
    )


def _refusal_to_pay(request, pledge):
    back = reverse("pledges:detail", args=[pledge.public_id])
    return refusal_unless(request, pledge.organisation, Action.PAY, back_url=back)


@login_required
@require_POST
def pay_by_card(request, public_id):
    pledge = _own_pledge(request, public_id)
    if refused := _refusal_to_pay(request, pledge):
        return refused
    try:
        payment = checkout.start_card_payment(pledge, user=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("pledges:detail", public_id=pledge.public_id)
    return redirect(payment.checkout_url)


@login_required
def card_return(request, public_id):
    pledge = _own_pledge(request, public_id)
    if pledge.status == PledgeState.PAID:
        receipt = Receipt.objects.filter(pledge=pledge).order_by("-year", "-sequence").first()
        messages.success(
            request,
            _("Payment received, thank you. Receipt %(number)s is below.")
            % {"number": receipt.number if receipt else "—"},
        )
    else:
        messages.info(
            request,
            _(
                "Thank you. Stripe is confirming your payment: this page shows it as paid as soon "
                "as it is confirmed."
            ),
        )
    return redirect("pledges:detail", public_id=pledge.public_id)


@login_required
@require_POST
def request_invoice(request, public_id):
    pledge = _own_pledge(request, public_id)
    if refused := _refusal_to_pay(request, pledge):
        return refused
    try:
        invoice = bank.request_invoice(pledge, user=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invoice %(number)s is ready below; we also emailed it to your finance contact.")
            % {"number": invoice.number},
        )
    return redirect("pledges:detail", public_id=pledge.public_id)


def pdf_response(kind: str, document) -> HttpResponse:
    response = HttpResponse(pdfs.pdf_bytes(kind, document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def download(request, public_id, kind, number):
    pledge = _own_pledge(request, public_id)
    model = pdfs.MODELS.get(kind)
    if model is None:
        raise Http404
    document = get_object_or_404(
        model.objects.select_related("pledge"), pledge=pledge, number=number
    )
    return pdf_response(kind, document)
