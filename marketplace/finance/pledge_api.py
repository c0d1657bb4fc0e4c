"""API v1 for a sponsor's pledges with their money: the pledge app's views
(`marketplace/pledges/api.py`), answering with the pledge's payments composed here, above the
apps they come from — what it received net of refunds (`amount_paid`, from payments) and the
receipts issued (`receipts`, from finance). Routes: `finance/urls_api.py`, same URLs and names
as ever.
"""

from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers

from marketplace.finance.models import Receipt
from marketplace.finance.receipts import receipts_of
from marketplace.payments.balance import balance_of
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


@extend_schema_serializer(component_name="Pledge")
class PledgeWithMoneySerializer(pledges_api.PledgeSerializer):
    # Money, from payments and finance: received net of refunds, and the receipts issued.
    amount_paid = serializers.SerializerMethodField()
    receipts = serializers.SerializerMethodField()

    class Meta(pledges_api.PledgeSerializer.Meta):
        fields = [*pledges_api.PledgeSerializer.Meta.fields, "amount_paid", "receipts"]

    def get_amount_paid(self, pledge) -> str:
        return amount_paid(pledge)

    def get_receipts(self, pledge) -> list[dict]:
        return receipts(pledge)


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
