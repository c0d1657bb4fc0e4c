"""API v1 for the catalogue: published events and packages, with live availability."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers

from events.availability import Status, availability_for
from events.choices import Currency, PackageCategory
from events.models import EventPage, SponsorshipPackagePage
from marketplace.core.schema import error_responses


def public_url(page) -> str:
    """The page's address as the public reaches it: SITE_URL and the page's path (Wagtail's
    full URL names the Site record's host, `http://localhost` in a fresh install)."""
    parts = page.get_url_parts()
    if parts is None:
        return ""
    _site_id, _root_url, path = parts
    return settings.SITE_URL + path


class BenefitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    quantity = serializers.IntegerField()
    description = serializers.CharField()
    days_before_event = serializers.IntegerField()


class PackageSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(choices=PackageCategory.choices)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    currency = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    event = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    benefits = BenefitSerializer(many=True, read_only=True)

    class Meta:
        model = SponsorshipPackagePage
        fields = [
            "id",
            "title",
            "category",
            "price",
            "currency",
            "capacity",
            "available",
            "status",
            "max_per_sponsor",
            "requires_approval",
            "event",
            "url",
            "benefits",
        ]

    def _availability(self, obj):
        return self.context["availability"][obj.pk]

    @extend_schema_field(serializers.ChoiceField(choices=Currency.choices))
    def get_currency(self, obj) -> str:
        return obj.event.currency

    def get_available(self, obj) -> int | None:
        return self._availability(obj).available

    @extend_schema_field(
        serializers.ChoiceField(choices=[Status.AVAILABLE, Status.SOLD_OUT, Status.CLOSED])
    )
    def get_status(self, obj) -> str:
        return self._availability(obj).status

    def get_event(self, obj) -> str:
        return obj.event.slug

    def get_url(self, obj) -> str:
        return public_url(obj)


class EventSummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="title")
    url = serializers.SerializerMethodField()

    class Meta:
        model = EventPage
        fields = [
            "slug",
            "name",
            "acronym",
            "start_date",
            "end_date",
            "city",
            "country",
            "region",
            "currency",
            "sponsorship_deadline",
            "url",
        ]

    def get_url(self, obj) -> str:
        return public_url(obj)


class EventSerializer(EventSummarySerializer):
    packages = serializers.SerializerMethodField()

    class Meta(EventSummarySerializer.Meta):
        fields = EventSummarySerializer.Meta.fields + ["packages"]

    @extend_schema(responses=PackageSerializer(many=True))
    def get_packages(self, obj) -> list:
        packages = self.context["packages"][obj.pk]
        return PackageSerializer(packages, many=True, context=self.context).data


def _with_packages(events, context):
    """Attach each event's live packages and their availability in a fixed number of queries."""
    by_id = {event.pk: event for event in events}
    packages = {event.pk: [] for event in events}
    all_packages = []
    for event in events:
        for package in event.live_packages():
            package.event = by_id[event.pk]
            packages[event.pk].append(package)
            all_packages.append(package)
    context["packages"] = packages
    context["availability"] = availability_for(all_packages)
    return context


@extend_schema_view(
    get=extend_schema(responses={200: EventSerializer(many=True), **error_responses(400)})
)
class EventList(generics.ListAPIView):
    """Published events, soonest first, each with its published packages."""

    serializer_class = EventSerializer

    def get_queryset(self):
        return EventPage.objects.live().public().order_by("start_date", "pk")

    def get_serializer(self, *args, **kwargs):
        if args:
            events = list(args[0])
            args = (events, *args[1:])
            kwargs["context"] = _with_packages(events, self.get_serializer_context())
        return super().get_serializer(*args, **kwargs)


@extend_schema_view(
    get=extend_schema(
        responses={
            200: EventSerializer,
            **error_responses(404, e404="No published event with this slug"),
        }
    )
)
class EventDetail(generics.RetrieveAPIView):
    """One published event by slug, with its published packages."""

    serializer_class = EventSerializer
    lookup_field = "slug"

    def get_object(self):
        return get_object_or_404(EventPage.objects.live().public(), slug=self.kwargs["slug"])

    def get_serializer(self, *args, **kwargs):
        if args:
            kwargs["context"] = _with_packages([args[0]], self.get_serializer_context())
        return super().get_serializer(*args, **kwargs)


@extend_schema_view(
    get=extend_schema(
        responses={
            200: PackageSerializer,
            **error_responses(404, e404="No published package with this id in a published event"),
        }
    )
)
class PackageDetail(generics.RetrieveAPIView):
    """One published package by id, with its availability."""

    serializer_class = PackageSerializer

    def get_object(self):
        package = get_object_or_404(
            SponsorshipPackagePage.objects.live().public().prefetch_related("benefits"),
            pk=self.kwargs["pk"],
        )
        if not package.event.live:
            raise generics.Http404
        return package

    def get_serializer(self, *args, **kwargs):
        if args:
            context = self.get_serializer_context()
            context["availability"] = availability_for([args[0]])
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)
