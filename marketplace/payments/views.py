"""The sponsor's card payment pages: pay by card, come back from the checkout, and the local
TEST PAYMENT page of the stand-in. Members of the pledging organisation only; anyone else gets
404, as for a pledge that does not exist. Paying needs the role or grant `sponsors.membership`
says, else the refusal page. (The invoice and the documents' downloads are finance's pages:
`marketplace/finance/views.py`, under the same `payments:` URL names.)"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.payments import checkout, standin, webhooks
from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Payment
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PledgeState
from sponsors.membership import Action
from sponsors.portal import refusal_unless


def own_pledge(request, public_id) -> Pledge:
    """The pledge, among the user's organisations' (404 otherwise)."""
    return get_object_or_404(
        Pledge.objects.of_member(request.user).select_related("event", "organisation"),
        public_id=public_id,
    )


def refusal_to_pay(request, pledge):
    back = reverse("pledges:detail", args=[pledge.public_id])
    return refusal_unless(request, pledge.organisation, Action.PAY, back_url=back)


@login_required
@require_POST
def pay_by_card(request, public_id):
    pledge = own_pledge(request, public_id)
    if refused := refusal_to_pay(request, pledge):
        return refused
    try:
        payment = checkout.start_card_payment(pledge, user=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("pledges:detail", public_id=pledge.public_id)
    return redirect(payment.checkout_url)


@login_required
def card_return(request, public_id):
    pledge = own_pledge(request, public_id)
    if pledge.status == PledgeState.PAID:
        # Every receipt covers payments of the pledge, so its latest is that of a payment.
        number = (
            Payment.objects.filter(pledge=pledge, receipt__isnull=False)
            .order_by("-receipt__year", "-receipt__sequence")
            .values_list("receipt__number", flat=True)
            .first()
        )
        messages.success(
            request,
            _("Payment received, thank you. Receipt %(number)s is below.")
            % {"number": number or "—"},
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


def _stand_in_payment(request, session_id) -> Payment:
    if not settings.PAYMENTS_STAND_IN_ENABLED:
        raise Http404
    return get_object_or_404(
        Payment.objects.select_related("pledge", "pledge__event", "pledge__organisation"),
        stripe_session_id=session_id,
        pledge__organisation__memberships__user=request.user,
    )


@login_required
def standin_checkout(request, session_id):
    """The stand-in's TEST PAYMENT page: "Pay" sends the app the signed webhook Stripe would."""
    payment = _stand_in_payment(request, session_id)
    pledge = payment.pledge
    error = None
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        if request.POST.get("action") == "pay":
            payload, header = standin.signed_event(
                "checkout.session.completed", standin.session_object(payment, paid=True)
            )
            status, body = webhooks.receive(payload, header)
            if status == 200:
                return redirect(
                    reverse("payments:card_return", args=[pledge.public_id])
                    + f"?session_id={payment.stripe_session_id}"
                )
            error = _("The test webhook was refused (%(status)s): %(detail)s") % {
                "status": status,
                "detail": body.get("detail", ""),
            }
        else:
            return redirect(
                reverse("pledges:detail", args=[pledge.public_id]) + "?payment=cancelled"
            )
    return render(
        request,
        "payments/standin_checkout.html",
        {"payment": payment, "pledge": pledge, "error": error},
        status=400 if error else 200,
    )
