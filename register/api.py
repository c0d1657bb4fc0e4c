"""API v1 for the register (staff only: a token or session of someone who may read it).

`GET /api/v1/partnerships/agreements/` — filters region, area, type (repeatable), year, q.
`GET /api/v1/partnerships/stats/?by=region` — the figures of `partnership_stats`.
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.schema import error_responses
from register import fulltext
from register.access import can_read
from register.choices import AgreementType, AreaOfAction, Region
from register.models import PartnershipAgreement, with_lists
from register.search import filter_codes
from register.stats import (
    DIMENSIONS,
    MAX_YEAR,
    MIN_YEAR,
    agreement_stats,
    format_number,
    signed_between,
)


class IsRegisterReader(permissions.BasePermission):
    message = "Only staff who may read the partnership register can use this endpoint."

    def has_permission(self, request, view):
        return can_read(request.user)


class PartnerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.CharField()


class AgreementSerializer(serializers.ModelSerializer):
    partners = serializers.SerializerMethodField()
    regions = serializers.SerializerMethodField()
    areas = serializers.SerializerMethodField()
    amends = serializers.SerializerMethodField()
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=True, allow_null=True
    )

    class Meta:
        model = PartnershipAgreement
        fields = [
            "id",
            "reference",
            "title",
            "partners",
            "partner_category",
            "agreement_type",
            "signed_on",
            "entry_into_force",
            "expiry",
            "value",
            "currency",
            "contribution",
            "regions",
            "areas",
            "objective",
            "amends",
            "status",
        ]

    @extend_schema(responses=PartnerRefSerializer(many=True))
    def get_partners(self, obj) -> list:
        return [{"id": p.pk, "name": p.name, "category": p.category} for p in obj.partner_list]

    def get_regions(self, obj) -> list[str]:
        return obj.region_codes

    def get_areas(self, obj) -> list[str]:
        return obj.area_codes

    def get_amends(self, obj) -> str | None:
        return obj.amends.reference if obj.amends_id else None


class AgreementFilter(django_filters.FilterSet):
    region = django_filters.MultipleChoiceFilter(choices=Region.choices, method="by_codes")
    area = django_filters.MultipleChoiceFilter(choices=AreaOfAction.choices, method="by_codes")
    type = django_filters.MultipleChoiceFilter(choices=AgreementType.choices, method="by_codes")
    year = django_filters.NumberFilter(
        method="by_year",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        decimal_places=0,
        help_text=f"Year of signature ({MIN_YEAR}–{MAX_YEAR}).",
    )
    # The schema of `year` as validated: a whole number in MIN_YEAR..MAX_YEAR.
    year = extend_schema_field({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})(year)
    q = django_filters.CharFilter(method="by_text", help_text="Words in title, objective, partner.")
    q = extend_schema_field({"type": "string", "pattern": "^[^\\u0000]*$"})(q)  # no NUL

    class Meta:
        model = PartnershipAgreement
        fields = []

    def by_codes(self, queryset, name, value):
        return filter_codes(queryset, name, value)

    def by_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(signed_between(year, year))

    def by_text(self, queryset, name, value):
        return fulltext.match(queryset, value)


READER_REFUSALS = error_responses(
    400,
    401,
    403,
    e400="Invalid parameters: each with its messages",
    e403="This account may not read the partnership register",
)


@extend_schema_view(
    get=extend_schema(responses={200: AgreementSerializer(many=True), **READER_REFUSALS})
)
class AgreementList(generics.ListAPIView):
    """Agreements of the register, most recently signed first."""

    serializer_class = AgreementSerializer
    permission_classes = [IsRegisterReader]
    filterset_class = AgreementFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return with_lists(PartnershipAgreement.objects.all()).order_by("-signed_on", "reference")


class StatsQuery(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(DIMENSIONS))
    year_from = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    year_to = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)

    def to_internal_value(self, data):
        data = {
            "by": data.get("by"),
            **({"year_from": data["from"]} if data.get("from") else {}),
            **({"year_to": data["to"]} if data.get("to") else {}),
        }
        return super().to_internal_value({k: v for k, v in data.items() if v is not None})

    def validate(self, attrs):
        if (
            attrs.get("year_from")
            and attrs.get("year_to")
            and attrs["year_from"] > attrs["year_to"]
        ):
            raise serializers.ValidationError({"from": "must not be after 'to'."})
        return attrs


YEAR = {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
NUMBER = {"type": "number", "description": "Agreements, counting a shared one as 1/k"}
STATS_BODY = {
    "type": "object",
    "properties": {
        "by": {"type": "string", "enum": list(DIMENSIONS)},
        "columns": {"type": "array", "items": {"type": "string"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "year": {"type": "integer"},
                    "values": {"type": "object", "additionalProperties": NUMBER},
                    "total": {"type": "integer"},
                },
                "required": ["year", "values", "total"],
            },
        },
    },
    "required": ["by", "columns", "labels", "rows"],
}


class StatsView(APIView):
    """Agreements per year by region, area of action, type or partner category: the same
    figures as `manage.py partnership_stats` (shares of 1/k, addenda only under type)."""

    permission_classes = [IsRegisterReader]

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(DIMENSIONS), required=True),
            OpenApiParameter(
                "from", YEAR, description=f"First year ({MIN_YEAR}–{MAX_YEAR}), not after `to`"
            ),
            OpenApiParameter("to", YEAR, description=f"Last year ({MIN_YEAR}–{MAX_YEAR})"),
        ],
        responses={200: STATS_BODY, **READER_REFUSALS},
    )
    def get(self, request):
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        table = agreement_stats(params["by"], params.get("year_from"), params.get("year_to"))

        def number(value):
            text = format_number(value)
            return int(text) if text.lstrip("-").isdigit() else float(text)

        return Response(
            {
                "by": table.by,
                "columns": table.codes,
                "labels": dict(
                    zip(table.codes, [str(label) for label in table.labels], strict=True)
                ),
                "rows": [
                    {
                        "year": row.year,
                        "values": {
                            code: number(value)
                            for code, value in zip(table.codes, row.values, strict=True)
                        },
                        "total": row.total,
                    }
                    for row in table.rows
                ],
            }
        )
