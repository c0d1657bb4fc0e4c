"""The "Bank statements" entry of the Finance menu (registered in `finance/wagtail_hooks.py`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from marketplace.core.admin import ReadOnlyViewSet
from marketplace.finance.statements import views
from marketplace.finance.statements.models import BankStatement


class StatementViewSet(ReadOnlyViewSet):
    model = BankStatement
    name = "finance_statements"
    url_prefix = "finance/statements"
    icon = "list-ol"
    menu_label = _("Bank statements")
    search_backend_name = None
    list_per_page = 50
    view_permissions_only = True
    extra_permissions = ("import_statement",)
    index_view_class = views.StatementIndexView
    inspect_view_class = views.StatementInspectView
    list_filter = ["format", "iban"]
    search_fields = ["statement_id", "file_name", "file_sha256", "iban"]
    list_display = [
        Column("statement", label=_("Statement"), accessor=lambda s: s.statement_id or s.file_name),
        "imported_at",
        "iban",
        Column("format", label=_("Format"), accessor="get_format_display"),
        "period_end",
        "summary",
        "imported_by",
    ]
    inspect_view_fields = [
        "iban",
        "currency",
        "ledger_account",
        "format",
        "profile",
        "statement_id",
        "file_name",
        "file_sha256",
        "opening_balance",
        "closing_balance",
        "period_start",
        "period_end",
        "summary",
        "imported_by",
        "imported_at",
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", views.ImportStatementView.as_view(), name="upload"),
            path("allocate/<int:pk>/", views.AllocateLineView.as_view(), name="allocate"),
        ]
