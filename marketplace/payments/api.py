"""API v1 for paying a pledge: open a card checkout, or get the bank-transfer invoice.

Members of the pledging organisation only (404 for anyone else, as for a reference that does
not exist), whose role may pay (403 with a `detail` naming the role otherwise); 409 with a
`detail` when the pledge does not await that kind of payment; 502 when Stripe refuses
(nothing changed). The pledge's money (`amount_paid`, `receipts`) is part of
the pledge itself: `GET /api/v1/pledges/<reference>/` (`marketplace/finance/pledge_api.py`).
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.idempotency import idempotent
from marketplace.payments import bank, checkout
from marketplace.payments.errors import PaymentError
from marketplace.pledges.models import Pledge
from sponsors.api_access import require_for_api
from sponsors.membership import Action


class CheckoutSerializer(serializers.Serializer):
    checkout_url = serializers.URLField()
    session_id = serializers.CharField()


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    due_date = serializers.DateField()
    payment_reference = serializers.CharField()
    pdf_url = serializers.URLField()


def _pledge(request, reference) -> Pledge:
    """The pledge, found among the user's organisations' (404), that the user may pay (403)."""
    pledge = get_object_or_404(
        Pledge.objects.of_member(request.user).select_related("event", "organisation"),
        reference=reference,
    )
    require_for_api(request.user, pledge.organisation, Action.PAY)
    return pledge


def _refusal(error: PaymentError) -> Response:
    code = status.HTTP_409_CONFLICT if error.conflict else status.HTTP_502_BAD_GATEWAY
    return Response({"detail": error.message}, status=code)


class PledgeCheckout(APIView):
    """Open a Stripe Checkout Session for a card pledge awaiting payment."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            201: CheckoutSerializer,
            403: OpenApiResponse(description="The member's role may not pay: `detail`"),
            404: OpenApiResponse(description="No such pledge for this account"),
            409: OpenApiResponse(description="The pledge does not await a card payment"),
            502: OpenApiResponse(description="Stripe refused; nothing changed"),
        },
    )
    @idempotent
    def post(self, request, reference):
        pledge = _pledge(request, reference)
        try:
            payment = checkout.start_card_payment(pledge, user=request.user)
        except PaymentError as error:
            return _refusal(error)
        return Response(
            {"checkout_url": payment.checkout_url, "session_id": payment.stripe_session_id},
            status=status.HTTP_201_CREATED,
        )


class PledgeInvoice(APIView):
    """The bank-transfer invoice of a pledge (issued on the first call)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: InvoiceSerializer, 409: OpenApiResponse()})
    @idempotent
    def post(self, request, reference):
        pledge = _pledge(request, reference)
        try:
            invoice = bank.request_invoice(pledge, user=request.user)
        except PaymentError as error:
            return _refusal(error)
        pdf = reverse("payments:download", args=[pledge.public_id, "invoice", invoice.number])
        return Response(
            {
                "number": invoice.number,
                "amount": f"{invoice.amount:.2f}",
                "currency": invoice.currency,
                "due_date": invoice.due_date.isoformat(),
                "payment_reference": invoice.payment_reference,
                "pdf_url": settings.SITE_URL + pdf,
            },
            status=status.HTTP_201_CREATED,
        )
