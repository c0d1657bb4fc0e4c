"""Resource mobilisation in the Wagtail admin: a "Resource mobilisation" menu with the board,
the KPI pages, and snippets for prospects, opportunities, contacts, interactions, targets and
co-financing (partnership officers; see `permissions.py`)."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from register.pipeline import admin_views, services
from register.pipeline.forms import OpportunityAdminForm, UpperCurrencyForm
from register.pipeline.models import (
    CoFinancing,
    Interaction,
    Opportunity,
    PartnerContact,
    Prospect,
    Target,
)
from register.pipeline.permissions import KPI, VIEW

admin_urlpatterns = [
    path("", admin_views.BoardView.as_view(), name="board"),
    path("opportunity/<int:pk>/", admin_views.OpportunityView.as_view(), name="opportunity"),
    path("opportunity/<int:pk>/move/", admin_views.MoveView.as_view(), name="move"),
    path("kpis/", admin_views.KpiView.as_view(), name="kpis"),
    path("kpis/owner/<int:owner_id>/", admin_views.KpiView.as_view(), name="owner-kpis"),
    path("kpis/export.<str:fmt>", admin_views.KpiExportView.as_view(), name="kpis-export"),
    path(
        "kpis/owner/<int:owner_id>/export.<str:fmt>",
        admin_views.KpiExportView.as_view(),
        name="owner-kpis-export",
    ),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("pipeline/", include((admin_urlpatterns, "pipeline_admin")))]


class ProspectViewSet(SnippetViewSet):
    model = Prospect
    icon = "user"
    menu_label = _("Prospects")
    list_display = ["display_name", "partner", "organisation", "country", "category"]
    list_filter = ["category"]
    search_fields = ["name", "partner__name", "organisation__display_name"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        MultiFieldPanel(
            [FieldPanel("partner"), FieldPanel("organisation")],
            heading=_("A known organisation"),
        ),
        MultiFieldPanel(
            [FieldPanel("name"), FieldRowPanel([FieldPanel("country"), FieldPanel("category")])],
            heading=_("Or a new one"),
        ),
        FieldPanel("notes"),
    ]


class OpportunityViewSet(SnippetViewSet):
    model = Opportunity
    icon = "list-ul"
    menu_label = _("Opportunities")
    list_display = [
        "title",
        "prospect",
        "stage",
        "expected_value",
        "currency",
        "expected_on",
        "business_owner",
    ]
    list_filter = ["stage", "business_owner", "purpose"]
    search_fields = ["title", "purpose_detail"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler_panels = [
        FieldPanel("title"),
        FieldPanel("prospect"),
        FieldRowPanel([FieldPanel("stage"), FieldPanel("probability")]),
        FieldRowPanel(
            [FieldPanel("expected_value"), FieldPanel("currency"), FieldPanel("expected_on")]
        ),
        FieldPanel("business_owner"),
        FieldPanel("regions"),
        FieldPanel("areas"),
        MultiFieldPanel(
            [FieldPanel("purpose"), FieldPanel("event"), FieldPanel("purpose_detail")],
            heading=_("What it is for"),
        ),
        FieldPanel("notes"),
    ]
    edit_handler = ObjectList(edit_handler_panels, base_form_class=OpportunityAdminForm)


class ContactViewSet(SnippetViewSet):
    model = PartnerContact
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["name", "title", "organisation_name", "email", "phone"]
    search_fields = [
        "name",
        "email",
        "partner__name",
        "organisation__display_name",
        "prospect__name",
    ]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("partner"), FieldPanel("organisation"), FieldPanel("prospect")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("notes"),
    ]


class InteractionViewSet(SnippetViewSet):
    model = Interaction
    icon = "comment"
    menu_label = _("Interactions")
    list_display = [
        "happened_on",
        "kind",
        "organisation_name",
        "staff",
        "next_action_on",
        "next_action_done",
    ]
    list_filter = ["kind", "staff", "next_action_done"]
    search_fields = [
        "summary",
        "next_action",
        "partner__name",
        "organisation__display_name",
        "prospect__name",
    ]
    search_backend_name = None
    ordering = ["-happened_on", "-pk"]
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("partner"), FieldPanel("organisation"), FieldPanel("prospect")]),
        FieldPanel("opportunity"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("happened_on"), FieldPanel("staff")]),
        FieldPanel("summary"),
        FieldRowPanel(
            [
                FieldPanel("next_action"),
                FieldPanel("next_action_on"),
                FieldPanel("next_action_done"),
            ]
        ),
    ]


class TargetViewSet(SnippetViewSet):
    model = Target
    icon = "pick"
    menu_label = _("Targets")
    list_display = ["year", "scope_label", "metric", "event", "currency", "amount"]
    list_filter = ["year", "scope", "metric"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("year"), FieldPanel("scope")]),
            FieldRowPanel([FieldPanel("business_owner"), FieldPanel("area"), FieldPanel("region")]),
            FieldRowPanel([FieldPanel("metric"), FieldPanel("event")]),
            FieldRowPanel([FieldPanel("amount"), FieldPanel("currency")]),
        ],
        base_form_class=UpperCurrencyForm,
    )


class CoFinancingViewSet(SnippetViewSet):
    model = CoFinancing
    icon = "resubmit"
    menu_label = _("Co-financing")
    list_display = ["agreement", "bureau_contribution", "currency"]
    search_fields = ["agreement__reference", "agreement__title"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [FieldPanel("agreement"), FieldPanel("bureau_contribution"), FieldPanel("notes")]


class PermittedMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class ResourceMobilisationGroup(SnippetViewSetGroup):
    menu_label = _("Resource mobilisation")
    menu_icon = "pick"
    menu_order = 255
    items = (
        OpportunityViewSet,
        ProspectViewSet,
        ContactViewSet,
        InteractionViewSet,
        TargetViewSet,
        CoFinancingViewSet,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        extra = [
            PermittedMenuItem(
                _("Pipeline board"),
                reverse_lazy("pipeline_admin:board"),
                icon_name="list-ul",
                permission=VIEW,
            ),
            PermittedMenuItem(
                _("KPIs"), reverse_lazy("pipeline_admin:kpis"), icon_name="table", permission=KPI
            ),
        ]
        for order, item in enumerate(extra):
            item.order = order
        for order, item in enumerate(items, start=len(extra)):
            item.order = order
        return extra + items


register_snippet(ResourceMobilisationGroup)


@hooks.register("after_create_snippet")
def record_new_opportunity(request, instance):
    """Every opportunity's history starts with the stage it was recorded at."""
    if isinstance(instance, Opportunity):
        services.record_creation(instance, actor=request.user)
