"""The "Finance" menu of the Wagtail admin: payments, flags, receipts, invoices, credit notes.

Everything here is read-only but for the actions finance takes through services (record a
transfer, refund, resolve a flag). Seen by the "Finance" group and superusers, through model
permissions (`marketplace/finance/permissions.py` grants them).
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSetGroup

from marketplace.core.admin import ReadOnlyViewSet
from marketplace.finance.models import CreditNote, Invoice, Receipt
from marketplace.finance.views import pdf_response
from marketplace.payments import admin_views
from marketplace.payments.models import Flag, Payment


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
        "method",
        "attempt",
        "amount",
        "currency",
        "status",
        BooleanColumn("flagged", label=_("Flagged"), accessor="flagged"),
        "bank_reference",
        "created_at",
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
    list_display = ["created_at", "kind", "message", "payment", "pledge", "resolved_at"]
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
    list_display = ["number", "issued_at", "pledge", "organisation", "amount", "currency", "method"]
    list_filter = ["currency", "year", "method"]


class InvoiceViewSet(DocumentViewSet):
    model = Invoice
    kind = "invoice"
    name = "finance_invoices"
    url_prefix = "finance/invoices"
    icon = "doc-empty"
    menu_label = _("Invoices")
    list_display = [
        "number",
        "issued_at",
        "pledge",
        "organisation",
        "amount",
        "currency",
        "due_date",
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
        "issued_at",
        "receipt",
        "pledge",
        "organisation",
        "amount",
        "currency",
    ]


class FinanceGroup(ModelViewSetGroup):
    menu_label = _("Finance")
    menu_icon = "success"
    menu_order = 260
    items = (PaymentViewSet, FlagViewSet, ReceiptViewSet, InvoiceViewSet, CreditNoteViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return FinanceGroup()
