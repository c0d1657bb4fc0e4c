"""API v1 for paying a pledge by card: open a checkout (the bank-transfer invoice is finance's:
`marketplace/finance/api.py`).

Members of the pledging organisation only (404 for anyone else, as for a reference that does
not exist), whose role may pay (403 with a `detail` naming the role otherwise); 409 with a
`detail` when the pledge does not await that kind of payment; 502 when Stripe refuses
(nothing changed). The pledge's money (`amount_paid`, `receipts`) is part of
the pledge itself: `GET /api/v1/pledges/<reference>/` (`marketplace/finance/pledge_api.py`).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.idempotency import idempotent
from marketplace.core.schema import error_responses
from marketplace.payments import checkout
from marketplace.payments.errors import PaymentError
from marketplace.pledges.models import Pledge
from sponsors.api_access import require_for_api
from sponsors.membership import Action


class CheckoutSerializer(serializers.Serializer):
    checkout_url = serializers.URLField()
    session_id = serializers.CharField()


# The refusals of the payment operations (checkout here, the invoice in finance), for the schema.
PAY_REFUSALS = error_responses(
    400,
    401,
    403,
    404,
    409,
    422,
    502,
    e400="A malformed Idempotency-Key",
    e403="The member's role may not pay: `detail` names the role needed",
    e404="No such pledge in this account's organisations",
    e409="The pledge does not await this kind of payment, or a copy with the same "
    "Idempotency-Key is still running: `detail`",
)


def payable_pledge(request, reference) -> Pledge:
    """The pledge, found among the user's organisations' (404), that the user may pay (403)."""
    pledge = get_object_or_404(
        Pledge.objects.of_member(request.user).select_related("event", "organisation"),
        reference=reference,
    )
    require_for_api(request.user, pledge.organisation, Action.PAY)
    return pledge


def refusal(error: PaymentError) -> Response:
    code = status.HTTP_409_CONFLICT if error.conflict else status.HTTP_502_BAD_GATEWAY
    return Response({"detail": error.message}, status=code)


class PledgeCheckout(APIView):
    """Open a Stripe Checkout Session for a card pledge awaiting payment."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={201: CheckoutSerializer, **PAY_REFUSALS},
    )
    @idempotent
    def post(self, request, reference):
        pledge = payable_pledge(request, reference)
        try:
            payment = checkout.start_card_payment(pledge, user=request.user)
        except PaymentError as error:
            return refusal(error)
        return Response(
            {"checkout_url": payment.checkout_url, "session_id": payment.stripe_session_id},
            status=status.HTTP_201_CREATED,
        )
