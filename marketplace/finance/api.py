"""API v1 for a pledge's finance documents: get the bank-transfer invoice, and the receipts
shown with the pledge (`GET /api/v1/pledges/<reference>/`, field `receipts`).

Who may ask, and the answers on refusal, are the payment API's (`marketplace/payments/api.py`):
members of the pledging organisation only (404 otherwise), whose role may pay (403); 409 with
a `detail` when the pledge does not await a bank transfer.
"""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.idempotency import idempotent
from marketplace.finance.invoices import request_invoice
from marketplace.payments.api import PAY_REFUSALS, payable_pledge, refusal
from marketplace.payments.errors import PaymentError


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    due_date = serializers.DateField()
    payment_reference = serializers.CharField()
    pdf_url = serializers.URLField()


class PledgeInvoice(APIView):
    """The bank-transfer invoice of a pledge (issued on the first call)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: InvoiceSerializer, **PAY_REFUSALS})
    @idempotent
    def post(self, request, reference):
        pledge = payable_pledge(request, reference)
        try:
            invoice = request_invoice(pledge, user=request.user)
        except PaymentError as error:
            return refusal(error)
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
