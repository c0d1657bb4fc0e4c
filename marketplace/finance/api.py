"""API v1 for a pledge's finance documents: get the bank-transfer invoice (with the bank account
to pay, `bank_account`, and an optional purchase-order number, `po_number`, in the request),
and the receipts and invoices shown with the pledge (`GET /api/v1/pledges/<reference>/`).

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
from marketplace.finance.invoices import invoice_status, request_invoice
from marketplace.payments.api import PAY_REFUSALS, payable_pledge, refusal
from marketplace.payments.errors import PaymentError


class BankAccountSerializer(serializers.Serializer):
    iban = serializers.CharField()
    bic = serializers.CharField()
    holder = serializers.CharField()
    bank = serializers.CharField()


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    due_date = serializers.DateField()
    payment_reference = serializers.CharField()
    po_number = serializers.CharField()
    pdf_url = serializers.URLField()
    bank_account = BankAccountSerializer()


class InvoiceRequestSerializer(serializers.Serializer):
    po_number = serializers.CharField(required=False, allow_blank=True, max_length=60)


class PledgeInvoice(APIView):
    """The bank-transfer invoice of a pledge (issued on the first call)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=InvoiceRequestSerializer, responses={201: InvoiceSerializer, **PAY_REFUSALS}
    )
    @idempotent
    def post(self, request, reference):
        pledge = payable_pledge(request, reference)
        body = InvoiceRequestSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        try:
            invoice = request_invoice(
                pledge, user=request.user, po_number=body.validated_data.get("po_number", "")
            )
        except PaymentError as error:
            return refusal(error)
        bank = invoice.bank or {}
        pdf = reverse("payments:download", args=[pledge.public_id, "invoice", invoice.number])
        return Response(
            {
                "number": invoice.number,
                "status": invoice_status(invoice),
                "amount": f"{invoice.amount:.2f}",
                "currency": invoice.currency,
                "due_date": invoice.due_date.isoformat(),
                "payment_reference": invoice.payment_reference,
                "po_number": invoice.po_number,
                "pdf_url": settings.SITE_URL + pdf,
                "bank_account": {
                    "iban": bank.get("iban", ""),
                    "bic": bank.get("bic", ""),
                    "holder": bank.get("account_holder", ""),
                    "bank": bank.get("bank_name", ""),
                },
            },
            status=status.HTTP_201_CREATED,
        )
