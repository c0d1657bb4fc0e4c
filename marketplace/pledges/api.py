"""API v1 for pledges: list, make, read and cancel the organisation's pledges.

The views answer with `serializer_class`; the routes serve them from
`marketplace/finance/pledge_api.py`, which adds the pledge's money (`amount_paid`, `receipts`)
from the apps above this one, so pledges never import payments or finance.

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
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.idempotency import idempotent
from marketplace.core.pagination import BoundedLimitOffsetPagination
from marketplace.core.schema import error_body, error_responses
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
    # Must be true (the pledge service refuses anything else with a field error).
    accept_terms = extend_schema_field({"type": "boolean", "enum": [True]})(
        serializers.BooleanField()
    )


# The pledge as the pledge app knows it; the API adds its money above (see the module). No
# docstring: it would become the schema's description of the `Pledge` component.
class PledgeSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(
        source="total", max_digits=14, decimal_places=2, coerce_to_string=True
    )
    package = serializers.IntegerField(source="package_id")
    event = serializers.CharField(source="event.slug")
    accepted_terms_version = serializers.IntegerField(source="accepted_terms.version")

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
        ]


# The refusals of each operation, for the schema (`marketplace/finance/pledge_api.py` uses them
# too, with the pledge serializer that carries the money).
ONBOARDING_OR_ROLE = (
    "Onboarding not finished (`detail`, `missing`: what is left to do), or the member's role "
    "may not do this (`detail` names the role needed and who holds it)",
    {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "missing": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["detail"],
    },
)
# The key's answers (`marketplace.core.idempotency`): 400 for a malformed key, 409 while a copy
# with the same key is still running, 422 for the key reused with another request.
IDEMPOTENT_REFUSALS = (400, 409, 422)
LIST_REFUSALS = error_responses(
    400, 401, 403, e400="Invalid `limit` or `offset`", e403=ONBOARDING_OR_ROLE
)
CREATE_REFUSALS = error_responses(
    *IDEMPOTENT_REFUSALS,
    401,
    403,
    413,
    415,
    e403=ONBOARDING_OR_ROLE,
    e409=(
        "Not enough left (`detail`, `available`: how many can still be pledged), or a copy "
        "with the same Idempotency-Key is still running (`detail`)",
        {
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "available": {"type": "integer", "minimum": 0},
            },
            "required": ["detail"],
        },
    ),
)
DETAIL_REFUSALS = error_responses(401, 404, e404="No such pledge in this account's organisations")
CANCEL_REFUSALS = error_responses(
    *IDEMPOTENT_REFUSALS,
    401,
    403,
    404,
    e403=("The member's role may not cancel: `detail` names it", error_body()),
    e404="No such pledge in this account's organisations",
    e409="The pledge cannot be cancelled now (paid, or already closed), or a copy with the "
    "same Idempotency-Key is still running: `detail`",
)


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
    return Pledge.objects.of_member(user).select_related("event", "accepted_terms")


class PledgeList(JSONOnlyAPIView):
    """The active organisation's pledges, newest first; POST makes a pledge."""

    permission_classes = [IsAuthenticated]
    serializer_class = PledgeSerializer
    pagination_class = BoundedLimitOffsetPagination

    @extend_schema(responses={200: PledgeSerializer(many=True), **LIST_REFUSALS})
    def get(self, request):
        organisation = active_organisation(request.user, getattr(request, "session", None))
        if organisation is None:
            return _missing_response(onboarding_missing(request.user, organisation))
        pledges = (
            Pledge.objects.filter(organisation=organisation)
            .select_related("event", "accepted_terms")
            .order_by("-created_at", "-pk")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(pledges, request, view=self)
        return paginator.get_paginated_response(self.serializer_class(page, many=True).data)

    @extend_schema(
        request=PledgeRequestSerializer, responses={201: PledgeSerializer, **CREATE_REFUSALS}
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
        return Response(self.serializer_class(pledge).data, status=status.HTTP_201_CREATED)


class PledgeDetail(JSONOnlyAPIView):
    """One pledge by reference, for members of the pledging organisation only (404 otherwise)."""

    permission_classes = [IsAuthenticated]
    serializer_class = PledgeSerializer

    @extend_schema(responses={200: PledgeSerializer, **DETAIL_REFUSALS})
    def get(self, request, reference):
        pledge = get_object_or_404(_members_pledges(request.user), reference=reference)
        return Response(self.serializer_class(pledge).data)


class PledgeCancel(JSONOnlyAPIView):
    """Cancel a pledge that is not paid yet; its slots are freed (409 if it cannot be)."""

    permission_classes = [IsAuthenticated]
    serializer_class = PledgeSerializer

    @extend_schema(request=None, responses={200: PledgeSerializer, **CANCEL_REFUSALS})
    @idempotent
    def post(self, request, reference):
        pledge = get_object_or_404(_members_pledges(request.user), reference=reference)
        require_for_api(request.user, pledge.organisation, Action.CANCEL)
        try:
            pledge = services.cancel(pledge, actor=request.user, by_sponsor=True)
        except PledgeError as error:
            return _error_response(error, conflict_status=status.HTTP_409_CONFLICT)
        return Response(self.serializer_class(pledge).data)
