"""The "Finance" menu of the Wagtail admin: the overview (dashboard), receivables aging,
payments, flags, unallocated money, invoices, acknowledgements, receipts, credit notes and the
journal, and the rates of exchange (`rate_admin.py`: the one editable listing); each listing
exports what it shows as CSV or XLSX (`?export=csv|xlsx`, `exports.py`).
The admin's home page shows finance a summary panel.

Everything here is read-only but for the actions finance takes through services (record a
transfer, refund, resolve a flag; record, allocate or return unallocated money; re-issue an
invoice, book bank charges, write off a small due). Seen by the "Finance" group and
superusers, through model permissions (`marketplace/finance/permissions.py` grants them).
Amounts show with their currency and two decimals, methods and states by their label, times
to the minute in the site's time zone.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSetGroup

from marketplace.core.admin import ReadOnlyViewSet
from marketplace.finance import admin_views as finance_views
from marketplace.finance import dashboard, payout_views, workspace_views
from marketplace.finance.invoices import invoice_status, status_label
from marketplace.finance.models import (
    CreditNote,
    Invoice,
    JournalEntry,
    PaymentAcknowledgement,
    Payout,
    Receipt,
    UnallocatedTransfer,
)
from marketplace.finance.rate_admin import ExchangeRateViewSet
from marketplace.finance.statements.viewsets import StatementViewSet
from marketplace.finance.templatetags.finance import amount, method_label
from marketplace.finance.views import pdf_response
from marketplace.payments import admin_views
from marketplace.payments.models import Flag, Payment


def money_column(name="amount", label=None, currency="currency"):
    return Column(
        name,
        label=label or _("Amount"),
        accessor=lambda obj: amount(getattr(obj, name), getattr(obj, currency)),
    )


def when_column(name, label):
    def when(obj):
        value = getattr(obj, name)
        if value is None:
            return ""
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")

    return Column(name, label=label, accessor=when)


def date_column(name, label):
    return Column(
        name,
        label=label,
        accessor=lambda obj: (
            date_format(getattr(obj, name), "DATE_FORMAT") if getattr(obj, name) else ""
        ),
    )


class FinanceViewSet(ReadOnlyViewSet):
    """Finance's listings: database search (no search index for money records), 50 a page,
    and the listing's export as CSV and XLSX (any `list_export` shows Wagtail's download
    buttons; the columns are the registered export's)."""

    search_backend_name = None
    list_per_page = 50
    list_export = ["pk"]


class LedgerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(workspace_views.VIEW_LEDGER)


class LedgerPageViewSet(ViewSet):
    """A finance page that is not a model listing (overview, aging), in the Finance menu for
    whoever may read the journal."""

    def get_menu_item(self, order=None):
        return LedgerMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=order if order is not None else self.menu_order,
        )


class OverviewViewSet(LedgerPageViewSet):
    name = "finance_overview"
    url_prefix = "finance/overview"
    icon = "success"
    menu_label = _("Overview")

    def get_urlpatterns(self):
        return [
            path("", workspace_views.OverviewView.as_view(), name="index"),
            path(
                "resolve/<int:pk>/",
                workspace_views.ResolveFlagView.as_view(),
                name="resolve_flag",
            ),
        ]


class AgingViewSet(LedgerPageViewSet):
    name = "finance_aging"
    url_prefix = "finance/aging"
    icon = "time"
    menu_label = _("Receivables aging")

    def get_urlpatterns(self):
        return [
            path("", workspace_views.AgingView.as_view(), name="index"),
            path("aging.csv", workspace_views.AgingCsvView.as_view(), name="csv"),
        ]


class PaymentViewSet(FinanceViewSet):
    model = Payment
    name = "finance_payments"
    url_prefix = "finance/payments"
    icon = "form"
    menu_label = _("Payments")
    index_view_class = workspace_views.exporting_index(admin_views.PaymentIndexView, "payments")
    inspect_view_class = admin_views.PaymentInspectView
    filterset_class = admin_views.PaymentFilterSet
    list_display = [
        "pledge",
        Column("organisation", label=_("Sponsor"), accessor="pledge.organisation"),
        Column("method", label=_("Method"), accessor="get_method_display"),
        "attempt",
        money_column(),
        Column("status", label=_("Status"), accessor="get_status_display"),
        BooleanColumn("flagged", label=_("Flagged"), accessor="flagged"),
        "bank_reference",
        when_column("created_at", _("Created")),
    ]
    search_fields = [
        "pledge__reference",
        "bank_reference",
        "stripe_session_id",
        "stripe_payment_intent",
    ]
    inspect_view_fields = [
        "pledge",
        "method",
        "attempt",
        "status",
        "amount",
        "currency",
        "stripe_session_id",
        "stripe_payment_intent",
        "session_expires_at",
        "bank_reference",
        "value_date",
        "receipt",
        "error",
        "created_by",
        "created_at",
        "succeeded_at",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "record-transfer/", admin_views.RecordTransferView.as_view(), name="record_transfer"
            ),
            path("refund/<int:pk>/", admin_views.RefundView.as_view(), name="refund"),
        ]


class FlagViewSet(FinanceViewSet):
    model = Flag
    name = "finance_flags"
    url_prefix = "finance/flags"
    icon = "warning"
    menu_label = _("Flags")
    list_display = [
        when_column("created_at", _("Raised")),
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        "message",
        "payment",
        "pledge",
        when_column("resolved_at", _("Resolved")),
    ]
    list_filter = ["kind"]
    search_fields = ["message", "pledge__reference"]
    inspect_view_fields = [
        "kind",
        "message",
        "payment",
        "pledge",
        "stripe_event_id",
        "created_at",
        "resolved_at",
        "resolved_by",
        "resolution",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("resolve/<int:pk>/", admin_views.ResolveFlagView.as_view(), name="resolve"),
        ]


class DocumentInspectView(generic.InspectView):
    template_name = "finance/admin/document.html"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = self.object
        namespace = self.index_url_name.split(":")[0]
        context["pdf_url"] = reverse(f"{namespace}:pdf", args=[self.object.pk])
        return context


class DocumentViewSet(FinanceViewSet):
    """An issued document: listing, inspect (snapshot and lines) and its PDF."""

    kind = ""
    export_name = ""
    inspect_view_class = DocumentInspectView
    list_filter = ["currency", "year"]
    search_fields = ["number", "pledge__reference", "organisation__display_name"]
    inspect_view_fields = ["number", "issued_at", "pledge", "organisation", "amount", "currency"]

    @property
    def index_view_class(self):
        return workspace_views.exporting_index(generic.IndexView, self.export_name)

    def pdf_view(self, request, pk):
        if not request.user.has_perm(f"finance.view_{self.model._meta.model_name}"):
            raise PermissionDenied
        document = get_object_or_404(self.model.objects.select_related("pledge"), pk=pk)
        return pdf_response(self.kind, document)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("pdf/<int:pk>/", self.pdf_view, name="pdf")]


class ReceiptViewSet(DocumentViewSet):
    model = Receipt
    kind = "receipt"
    export_name = "receipts"
    name = "finance_receipts"
    url_prefix = "finance/receipts"
    icon = "doc-full"
    menu_label = _("Receipts")
    list_display = [
        "number",
        when_column("issued_at", _("Issued")),
        "pledge",
        "organisation",
        money_column(),
        Column("method", label=_("Method"), accessor=lambda obj: method_label(obj.method)),
    ]
    list_filter = ["currency", "year", "method"]


class InvoiceInspectView(DocumentInspectView):
    template_name = "finance/admin/invoice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(finance_views.invoice_context(self.object, self.request.user))
        return context


class InvoiceViewSet(DocumentViewSet):
    model = Invoice
    kind = "invoice"
    export_name = "invoices"
    name = "finance_invoices"
    url_prefix = "finance/invoices"
    icon = "doc-empty"
    menu_label = _("Invoices")
    inspect_view_class = InvoiceInspectView
    list_display = [
        "number",
        when_column("issued_at", _("Issued")),
        "pledge",
        "organisation",
        money_column(),
        date_column("due_date", _("Due date")),
        Column("status", label=_("Status"), accessor=lambda obj: status_label(invoice_status(obj))),
        "po_number",
    ]
    search_fields = [*DocumentViewSet.search_fields, "po_number"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "reissue/<int:pk>/",
                finance_views.ReissueInvoiceView.as_view(),
                name="reissue",
            ),
            path(
                "bank-charge/<int:pk>/",
                finance_views.BookBankChargeView.as_view(),
                name="bank_charge",
            ),
            path("write-off/<int:pk>/", finance_views.WriteOffView.as_view(), name="write_off"),
        ]


class AcknowledgementViewSet(DocumentViewSet):
    model = PaymentAcknowledgement
    kind = "acknowledgement"
    name = "finance_acknowledgements"
    url_prefix = "finance/acknowledgements"
    icon = "mail"
    menu_label = _("Payment acknowledgements")
    list_display = [
        "number",
        when_column("issued_at", _("Issued")),
        "pledge",
        "organisation",
        money_column(),
        money_column("due_after", _("Still due")),
    ]


class CreditNoteViewSet(DocumentViewSet):
    model = CreditNote
    kind = "credit_note"
    export_name = "credit_notes"
    name = "finance_credit_notes"
    url_prefix = "finance/credit-notes"
    icon = "doc-empty-inverse"
    menu_label = _("Credit notes")
    list_display = [
        "number",
        when_column("issued_at", _("Issued")),
        Column("corrects", label=_("Corrects or cancels"), accessor="corrects"),
        "pledge",
        "organisation",
        money_column(),
    ]


class JournalViewSet(FinanceViewSet):
    """The ledger's entries (newest first), each with its lines; exported as journal lines."""

    model = JournalEntry
    name = "finance_journal"
    url_prefix = "finance/journal"
    icon = "list-ul"
    menu_label = _("Journal")
    view_permissions_only = True
    index_view_class = workspace_views.JournalIndexView
    inspect_view_class = workspace_views.JournalInspectView
    list_display = [
        Column("number", label=_("Entry"), accessor="number"),
        "date",
        "kind",
        "document",
        "organisation",
        "currency",
        Column("amount", label=_("Amount"), accessor="amount"),
    ]
    list_filter = ["kind", "currency", "date"]
    search_fields = ["document", "source", "pledge__reference"]
    inspect_view_fields = ["date", "kind", "source", "document", "description", "currency"]


class UnallocatedViewSet(FinanceViewSet):
    model = UnallocatedTransfer
    name = "finance_unallocated"
    url_prefix = "finance/unallocated"
    icon = "help"
    menu_label = _("Unallocated money")
    index_view_class = workspace_views.exporting_index(
        finance_views.UnallocatedIndexView, "unallocated"
    )
    inspect_view_class = finance_views.UnallocatedInspectView
    list_filter = ["status", "currency"]
    search_fields = ["bank_reference", "payer_name", "quoted_reference"]
    list_display = [
        "bank_reference",
        date_column("value_date", _("Value date")),
        "payer_name",
        "quoted_reference",
        money_column(),
        money_column("remaining", _("Left to allocate")),
        Column("status", label=_("Status"), accessor="get_status_display"),
    ]
    inspect_view_fields = [
        "bank_reference",
        "value_date",
        "payer_name",
        "quoted_reference",
        "note",
        "created_by",
        "returned_on",
        "return_reference",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("record/", finance_views.RecordUnallocatedView.as_view(), name="record"),
            path("allocate/<int:pk>/", finance_views.AllocateView.as_view(), name="allocate"),
            path("return/<int:pk>/", finance_views.MarkToReturnView.as_view(), name="to_return"),
            path("returned/<int:pk>/", finance_views.MarkReturnedView.as_view(), name="returned"),
        ]


class PayoutViewSet(FinanceViewSet):
    """Stripe's payouts: gross, fees and net of each, the payments in it, the bank line."""

    model = Payout
    name = "finance_payouts"
    url_prefix = "finance/stripe-payouts"
    icon = "resubmit"
    menu_label = _("Stripe payouts")
    view_permissions_only = True
    list_export = ["stripe_id", "arrival_date", "gross", "fees", "amount", "currency", "status"]
    index_view_class = payout_views.PayoutIndexView
    inspect_view_class = payout_views.PayoutInspectView
    list_filter = ["status", "currency"]
    search_fields = ["stripe_id", "statement_descriptor", "bank_reference"]
    list_display = [
        "stripe_id",
        date_column("arrival_date", _("Arrival date")),
        money_column("gross", _("Gross")),
        money_column("fees", _("Stripe fees")),
        money_column("amount", _("Paid out")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        BooleanColumn(
            "bank_matched",
            label=_("Bank line matched"),
            accessor=lambda obj: obj.bank_line_id is not None,
        ),
        Column("problems", label=_("Problems"), accessor="problems"),
    ]
    inspect_view_fields = [
        "stripe_id",
        "status",
        "arrival_date",
        "statement_descriptor",
        "paid_at",
        "reconciled_at",
    ]


class FinanceGroup(ModelViewSetGroup):
    menu_label = _("Finance")
    menu_icon = "success"
    menu_order = 260
    items = (
        OverviewViewSet,
        AgingViewSet,
        PaymentViewSet,
        FlagViewSet,
        UnallocatedViewSet,
        PayoutViewSet,
        StatementViewSet,
        InvoiceViewSet,
        AcknowledgementViewSet,
        ReceiptViewSet,
        CreditNoteViewSet,
        JournalViewSet,
        ExchangeRateViewSet,
    )


@hooks.register("register_admin_viewset")
def register_viewsets():
    return FinanceGroup()


class FinancePanel(Component):
    """The admin home page's finance summary: this year's money per currency, overdue
    invoices and open flags, with links to the overview."""

    name = "finance_summary"
    order = 90
    template_name = "finance/admin/home_panel.html"

    def get_context_data(self, parent_context=None):
        data = dashboard.overview(flag_limit=0)
        return {
            "data": data,
            "overview_url": reverse("finance_overview:index"),
            "aging_url": reverse("finance_aging:index"),
        }


@hooks.register("construct_homepage_panels")
def add_finance_panel(request, panels):
    if request.user.has_perm(workspace_views.VIEW_LEDGER):
        panels.append(FinancePanel())
