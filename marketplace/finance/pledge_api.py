"""API v1 for a sponsor's pledges with their money: the pledge app's views
(`marketplace/pledges/api.py`), answering with the pledge's payments composed here, above the
apps they come from, all read from the one balance (`marketplace/finance/balance.py`): what it
received net of refunds (`amount_paid`), what it still owes (`amount_due`) and had refunded
(`amount_refunded`), the receipts issued (`receipts`) and its invoices with their state
(`invoices`). Routes: `finance/urls_api.py`, same URLs and names
as ever.
"""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers

from marketplace.finance.balance import balance_of, balances_of
from marketplace.finance.invoices import invoice_status
from marketplace.finance.models import Invoice, Receipt
from marketplace.finance.receipts import receipts_of
from marketplace.pledges import api as pledges_api


class ReceiptSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = Receipt
        fields = ["number", "amount", "currency", "issued_at"]


def amount_paid(pledge) -> str:
    """What the pledge has received, net of refunds, as a decimal string."""
    return f"{balance_of(pledge).net:.2f}"


def receipts(pledge) -> list[dict]:
    return ReceiptSerializer(receipts_of(pledge), many=True).data


class InvoiceSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "partially_paid", "paid", "overdue", "void"])
    amount = serializers.CharField()
    currency = serializers.CharField()
    due_date = serializers.DateField()


def invoices(pledge, balance) -> list[dict]:
    """The pledge's invoices, oldest first, each with its derived state."""
    return [
        {
            "number": invoice.number,
            "status": invoice_status(invoice, balance),
            "amount": f"{invoice.amount:.2f}",
            "currency": invoice.currency,
            "due_date": invoice.due_date.isoformat(),
        }
        for invoice in Invoice.objects.filter(pledge=pledge)
        .select_related("void_note")
        .order_by("year", "sequence")
    ]


@extend_schema_serializer(component_name="Pledge")
class PledgeWithMoneySerializer(pledges_api.PledgeSerializer):
    # Money, from the one balance: received net of refunds, still due, refunded; the receipts
    # issued and the invoices with their state.
    amount_paid = serializers.SerializerMethodField()
    amount_due = serializers.SerializerMethodField()
    amount_refunded = serializers.SerializerMethodField()
    receipts = serializers.SerializerMethodField()
    invoices = serializers.SerializerMethodField()

    class Meta(pledges_api.PledgeSerializer.Meta):
        fields = [
            *pledges_api.PledgeSerializer.Meta.fields,
            "amount_paid",
            "amount_due",
            "amount_refunded",
            "receipts",
            "invoices",
        ]

    def _balance(self, pledge):
        """The pledge's balance; in a list answer, every listed pledge's at the first call
        (`balances_of`: five queries for the page, not five per pledge)."""
        cache = self.context.setdefault("_balances", {})
        if pledge.pk not in cache:
            listed = getattr(self.parent, "instance", None)
            if isinstance(listed, (list, tuple)) or hasattr(listed, "model"):
                cache.update(balances_of(listed))
        if pledge.pk not in cache:
            cache[pledge.pk] = balance_of(pledge)
        return cache[pledge.pk]

    def get_amount_paid(self, pledge) -> str:
        return f"{self._balance(pledge).net:.2f}"

    def get_amount_due(self, pledge) -> str:
        return f"{self._balance(pledge).due:.2f}"

    def get_amount_refunded(self, pledge) -> str:
        return f"{self._balance(pledge).refunded:.2f}"

    def get_receipts(self, pledge) -> list[dict]:
        return receipts(pledge)

    @extend_schema_field(InvoiceSummarySerializer(many=True))
    def get_invoices(self, pledge) -> list[dict]:
        return invoices(pledge, self._balance(pledge))


@extend_schema_view(
    get=extend_schema(
        responses={200: PledgeWithMoneySerializer(many=True), **pledges_api.LIST_REFUSALS}
    ),
    post=extend_schema(responses={201: PledgeWithMoneySerializer, **pledges_api.CREATE_REFUSALS}),
)
class PledgeList(pledges_api.PledgeList):
    __doc__ = pledges_api.PledgeList.__doc__
    serializer_class = PledgeWithMoneySerializer


@extend_schema_view(
    get=extend_schema(responses={200: PledgeWithMoneySerializer, **pledges_api.DETAIL_REFUSALS})
)
class PledgeDetail(pledges_api.PledgeDetail):
    __doc__ = pledges_api.PledgeDetail.__doc__
    serializer_class = PledgeWithMoneySerializer


@extend_schema_view(
    post=extend_schema(
        request=None, responses={200: PledgeWithMoneySerializer, **pledges_api.CANCEL_REFUSALS}
    )
)
class PledgeCancel(pledges_api.PledgeCancel):
    __doc__ = pledges_api.PledgeCancel.__doc__
    serializer_class = PledgeWithMoneySerializer
