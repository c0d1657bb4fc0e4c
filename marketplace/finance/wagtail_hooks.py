"""The "Finance" menu of the Wagtail admin: payments, flags, unallocated money, invoices,
acknowledgements, receipts, credit notes.

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
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from marketplace.core.admin import ReadOnlyViewSet
from marketplace.finance import admin_views as finance_views
from marketplace.finance.invoices import invoice_status, status_label
from marketplace.finance.models import (
    CreditNote,
    Invoice,
    PaymentAcknowledgement,
    Receipt,
    UnallocatedTransfer,
)
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
    """Finance's listings: database search (no search index for money records), 50 a page."""

    search_backend_name = None
    list_per_page = 50


class PaymentViewSet(FinanceViewSet):
    model = Payment
    name = "finance_payments"
    url_prefix = "finance/payments"
    icon = "form"
    menu_label = _("Payments")
    index_view_class = admin_views.PaymentIndexView
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
    inspect_view_class = DocumentInspectView
    list_filter = ["currency", "year"]
    search_fields = ["number", "pledge__reference", "organisation__display_name"]
    inspect_view_fields = ["number", "issued_at", "pledge", "organisation", "amount", "currency"]

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


class UnallocatedViewSet(FinanceViewSet):
    model = UnallocatedTransfer
    name = "finance_unallocated"
    url_prefix = "finance/unallocated"
    icon = "help"
    menu_label = _("Unallocated money")
    index_view_class = finance_views.UnallocatedIndexView
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
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("record/", finance_views.RecordUnallocatedView.as_view(), name="record"),
            path("allocate/<int:pk>/", finance_views.AllocateView.as_view(), name="allocate"),
            path("return/<int:pk>/", finance_views.MarkToReturnView.as_view(), name="to_return"),
        ]


class FinanceGroup(ModelViewSetGroup):
    menu_label = _("Finance")
    menu_icon = "success"
    menu_order = 260
    items = (
        PaymentViewSet,
        FlagViewSet,
        UnallocatedViewSet,
        InvoiceViewSet,
        AcknowledgementViewSet,
        ReceiptViewSet,
        CreditNoteViewSet,
    )


@hooks.register("register_admin_viewset")
def register_viewsets():
    return FinanceGroup()
