"""The register in the Wagtail admin: a "Partnerships" menu with agreements and partners
(snippets; edited by partnership officers, read by finance), the CSV import and export, and
links to the search tool and the charts."""

from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from events.models import EventPage
from register import admin_views, event_views
from register.access import can_import, can_read
from register.forms import AgreementAdminForm
from register.models import Partner, PartnershipAgreement


class AgreementViewSet(SnippetViewSet):
    model = PartnershipAgreement
    # The admin URLs kept their names and paths when the model was renamed from `Agreement`
    # (bookmarks and links in mail keep working).
    url_prefix = "snippets/register/agreement"
    url_namespace = "wagtailsnippets_register_agreement"
    icon = "doc-full"
    menu_label = _("Agreements")
    add_view_class = admin_views.AgreementCreateView
    edit_view_class = admin_views.AgreementEditView
    delete_view_class = admin_views.AgreementDeleteView
    list_display = ["reference", "title", "agreement_type", "signed_on", "status"]
    list_filter = ["agreement_type", "status", "partner_category", "contribution", "publishable"]
    search_fields = ["reference", "title", "objective"]
    search_backend_name = None
    ordering = ["-signed_on", "reference"]
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "reference",
        "title",
        "partner_category",
        "agreement_type",
        "signed_on",
        "entry_into_force",
        "expiry",
        "value",
        "currency",
        "contribution",
        "objective",
        "amends",
        "status",
        "business_owner",
        "publishable",
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("reference"),
                    FieldPanel("title"),
                    FieldRowPanel([FieldPanel("agreement_type"), FieldPanel("status")]),
                    InlinePanel("partner_links", label=_("Partners"), min_num=1),
                    FieldPanel("partner_category"),
                    FieldRowPanel(
                        [
                            FieldPanel("signed_on"),
                            FieldPanel("entry_into_force"),
                            FieldPanel("expiry"),
                        ]
                    ),
                    MultiFieldPanel(
                        [
                            FieldRowPanel([FieldPanel("value"), FieldPanel("currency")]),
                            FieldPanel("contribution"),
                        ],
                        heading=_("Value"),
                    ),
                    FieldPanel("regions"),
                    FieldPanel("areas"),
                    FieldPanel("objective"),
                    FieldPanel("amends"),
                    FieldPanel("business_owner"),
                    FieldPanel("publishable"),
                ],
                heading=_("Agreement"),
            ),
            ObjectList(
                [InlinePanel("signatories", label=_("Signatories"))], heading=_("Signatories")
            ),
            ObjectList([InlinePanel("documents", label=_("Documents"))], heading=_("Documents")),
        ],
        base_form_class=AgreementAdminForm,
    )


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    edit_view_class = admin_views.PartnerEditView
    delete_view_class = admin_views.PartnerDeleteView
    list_display = ["name", "category", "country", "organisation"]
    list_filter = ["category"]
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldPanel("name"),
        FieldPanel("category"),
        FieldPanel("country"),
        FieldPanel("organisation"),
        FieldPanel("notes"),
    ]


class ReaderMenuItem(MenuItem):
    def is_shown(self, request):
        return can_read(request.user)


class ImporterMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


class PartnershipsGroup(SnippetViewSetGroup):
    menu_label = _("Partnerships")
    menu_icon = "doc-full-inverse"
    menu_order = 250
    items = (AgreementViewSet, PartnerViewSet)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        extra = [
            ImporterMenuItem(
                _("Import CSV"), reverse_lazy("register_admin_import"), icon_name="upload"
            ),
            ReaderMenuItem(_("Export CSV"), reverse_lazy("register:export"), icon_name="download"),
            ReaderMenuItem(_("Search tool"), reverse_lazy("register:search"), icon_name="search"),
            ReaderMenuItem(_("Charts"), reverse_lazy("register:charts"), icon_name="table"),
        ]
        for order, item in enumerate(extra, start=len(items) + 1):
            item.order = order
        return items + extra


register_snippet(PartnershipsGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "partnerships/import/",
            admin_views.ImportView.as_view(),
            name="register_admin_import",
        ),
        path(
            "partnerships/import/jobs/<int:pk>/",
            admin_views.ImportJobView.as_view(),
            name="register_admin_import_job",
        ),
        path(
            "partnerships/events/<int:pk>/partners/",
            event_views.EventPartnersView.as_view(),
            name="register_event_partners",
        ),
    ]


@hooks.register("register_page_header_buttons")
def event_partners_button(page, user, view_name, next_url=None):
    """ "Partners to approach" in an event's admin header menu, for register readers."""
    if isinstance(page.specific_deferred, EventPage) and can_read(user):
        yield Button(
            _("Partners to approach"),
            reverse("register_event_partners", args=[page.pk]),
            icon_name="group",
            priority=80,
        )
