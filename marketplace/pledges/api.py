"""API v1 for pledges: a token for a sponsor's account, then list, make, read and cancel its
organisation's pledges.

Answers are always JSON: 400 with field errors (or a `detail`), 401 without a token, 403 with
what is `missing` when onboarding is not finished, or with a `detail` naming the role needed
when the member's role may not pledge or cancel (`sponsors.membership`), 404 for a pledge of
another organisation (as for one that does not exist), 409 when not enough is left, 413 for a
body over DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.idempotency import idempotent
from marketplace.core.pagination import BoundedLimitOffsetPagination
from marketplace.pledges import services
from marketplace.pledges.errors import NotEnoughLeft, PledgeError
from marketplace.pledges.models import PaymentMethod, Pledge
from sponsors.api_access import require_for_api
from sponsors.membership import Action, active_organisation, onboarding_missing

# --- Bodies that are too large or not JSON -------------------------------------------------


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        super().__init__(
            _("The request body is too large: at most %(limit)s MB is accepted.")
            % {"limit": f"{limit_mb:g}"}
        )


class LimitedJSONParser(JSONParser):
    """JSON, read only up to DATA_UPLOAD_MAX_MEMORY_SIZE: a larger body is refused with 413
    before it is parsed (DRF itself would read and parse any size)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge()
        try:
            return json.loads(raw.decode(settings.DEFAULT_CHARSET))
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc})


class JSONOnlyAPIView(APIView):
    parser_classes = [LimitedJSONParser]

    def handle_exception(self, exc):
        # Django refuses some bodies before DRF sees them; answer JSON, never an HTML page.
        if isinstance(exc, RequestDataTooBig):
            exc = BodyTooLarge()
        elif isinstance(exc, SuspiciousOperation):
            exc = exceptions.ParseError(str(exc))
        return super().handle_exception(exc)


# --- Pledges -------------------------------------------------------------------------------


class PledgeRequestSerializer(serializers.Serializer):
    package = serializers.IntegerField()
    quantity = serializers.IntegerField(
        min_value=1, error_messages={"min_value": _("Enter a whole number of at least 1.")}
    )
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    accept_terms = serializers.BooleanField()


class PledgeSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(
        source="total", max_digits=14, decimal_places=2, coerce_to_string=True
    )
    package = serializers.IntegerField(source="package_id")
    event = serializers.CharField(source="event.slug")
    accepted_terms_version = serializers.IntegerField(source="accepted_terms.version")
    # Money, from the payments and finance apps: received net of refunds, and the receipts issued.
    amount_paid = serializers.SerializerMethodField()
    receipts = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = [
            "reference",
            "status",
            "quantity",
            "amount",
            "currency",
            "expires_at",
            "package",
            "package_title",
            "event",
            "payment_method",
            "unit_price",
            "accepted_terms_version",
            "benefits",
            "created_at",
            "amount_paid",
            "receipts",
        ]

    def get_amount_paid(self, pledge) -> str:
        from marketplace.payments.api import amount_paid

        return amount_paid(pledge)

    def get_receipts(self, pledge) -> list[dict]:
        from marketplace.finance.api import receipts

        return receipts(pledge)


def _missing_response(missing):
    return Response(
        {
            "detail": _("Finish setting up your account first: %(missing)s")
            % {"missing": " ".join(str(item) for item in missing)},
            "missing": [str(item) for item in missing],
        },
        status=status.HTTP_403_FORBIDDEN,
    )


def _error_response(error: PledgeError, conflict_status=status.HTTP_400_BAD_REQUEST):
    if isinstance(error, NotEnoughLeft):
        return Response(
            {"detail": error.message, "available": error.available},
            status=status.HTTP_409_CONFLICT,
        )
    if error.field:
        return Response({error.field: [error.message]}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": error.message}, status=conflict_status)


def _members_pledges(user):
    return Pledge.objects.filter(organisation__memberships__user=user).select_related(
        "event", "accepted_terms"
    )


class PledgeList(JSONOnlyAPIView):
    """The active organisation's pledges, newest first; POST makes a pledge."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PledgeSerializer(many=True)})
    def get(self, request):
        organisation = active_organisation(request.user, getattr(request, "session", None))
        if organisation is None:
            return _missing_response(onboarding_missing(request.user, organisation))
        pledges = (
            Pledge.objects.filter(organisation=organisation)
            .select_related("event", "accepted_terms")
            .order_by("-created_at", "-pk")
        )
        paginator = BoundedLimitOffsetPagination()
        page = paginator.paginate_queryset(pledges, request, view=self)
        return paginator.get_paginated_response(PledgeSerializer(page, many=True).data)

    @extend_schema(
        request=PledgeRequestSerializer,
        responses={
            201: PledgeSerializer,
            400: OpenApiResponse(description="Field errors"),
            403: OpenApiResponse(
                description="Onboarding not finished (`detail`, `missing`), or the member's "
                "role may not pledge (`detail` names the role needed)"
            ),
            409: OpenApiResponse(description="Not enough left: `detail`, `available`"),
        },
    )
    @idempotent
    def post(self, request):
        organisation = active_organisation(request.user, getattr(request, "session", None))
        missing = onboarding_missing(request.user, organisation)
        if missing:
            return _missing_response(missing)
        require_for_api(request.user, organisation, Action.PLEDGE)
        serializer = PledgeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            pledge = services.create_pledge(
                user=request.user,
                organisation=organisation,
                package_id=data["package"],
                quantity=data["quantity"],
                payment_method=data["payment_method"],
                accept_terms=data["accept_terms"],
            )
        except PledgeError as error:
            return _error_response(error)
        return Response(PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)


class PledgeDetail(JSONOnlyAPIView):
    """One pledge by reference, for members of the pledging organisation only (404 otherwise)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PledgeSerializer})
    def get(self, request, reference):
        pledge = get_object_or_404(_members_pledges(request.user), reference=reference)
        return Response(PledgeSerializer(pledge).data)


class PledgeCancel(JSONOnlyAPIView):
    """Cancel a pledge that is not paid yet; its slots are freed (409 if it cannot be)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: PledgeSerializer})
    @idempotent
    def post(self, request, reference):
        pledge = get_object_or_404(_members_pledges(request.user), reference=reference)
        require_for_api(request.user, pledge.organisation, Action.CANCEL)
        try:
            pledge = services.cancel(pledge, actor=request.user, by_sponsor=True)
        except PledgeError as error:
            return _error_response(error, conflict_status=status.HTTP_409_CONFLICT)
        return Response(PledgeSerializer(pledge).data)
