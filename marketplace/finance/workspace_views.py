"""Finance's workspace in the admin: the overview (dashboard), receivables aging (and its CSV), a
flag resolved from the overview, the journal, and the exports of the finance listings (the
money actions — unallocated money, invoices — are in `admin_views.py`).

Thin: figures come from `dashboard.py` and `aging.py`, exports from `exports.py`. Seen by
whoever may read the journal (`finance.view_journalentry`: the Finance group, superusers).
"""

import csv
import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from marketplace.finance import aging, dashboard, exports, ledger, rates
from marketplace.finance.models import JournalLine
from marketplace.payments import admin_views as payment_views

VIEW_LEDGER = "finance.view_journalentry"


class LedgerPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_LEDGER):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OverviewView(LedgerPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "finance/admin/overview.html"
    page_title = gettext_lazy("Finance overview")
    header_icon = "success"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Finance overview")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = dashboard.overview()
        context.update(
            data=data,
            measures=[
                ("pledged", _("Pledged")),
                ("invoiced", _("Invoiced")),
                ("received", _("Received")),
                ("refunded", _("Refunded")),
                ("due", _("Due now")),
            ],
            chart=dashboard.received_chart(data),
            can_resolve=self.request.user.has_perm(payment_views.RESOLVE),
            time_zone=timezone.get_current_timezone_name(),
            budget_currency=rates.budget_currency(),
            reporting_currency=rates.reporting_currency(),
        )
        return context


class ResolveFlagView(payment_views.ResolveFlagView):
    """Resolve a flag listed on the overview, then back to it."""

    def get_success_url(self):
        return reverse("finance_overview:index")


def as_of_from(request) -> tuple[datetime.date, str]:
    """The `as_of` of the query string, or today with a sentence saying why it was not used."""
    raw = (request.GET.get("as_of") or "").strip()
    if not raw:
        return timezone.localdate(), ""
    try:
        return datetime.date.fromisoformat(raw), ""
    except ValueError:
        return timezone.localdate(), _("“%(value)s” is not a date (YYYY-MM-DD); showing today.") % {
            "value": raw
        }


class AgingView(LedgerPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "finance/admin/aging.html"
    page_title = gettext_lazy("Receivables aging")
    header_icon = "time"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Receivables aging")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of, error = as_of_from(self.request)
        rows, totals = aging.aging(as_of)
        context.update(
            as_of=as_of,
            error=error,
            rows=rows,
            totals=list(totals.values()),
            buckets=[label for _key, label in aging.BUCKETS],
            items=aging.open_items(as_of),
        )
        return context


class AgingCsvView(LedgerPermissionMixin, View):
    def get(self, request, *args, **kwargs):
        as_of, _error = as_of_from(request)
        writer = csv.writer(exports._Echo(), lineterminator="\r\n")
        lines = (
            writer.writerow([exports.neutralise(str(cell)) for cell in row])
            for row in aging.csv_rows(as_of)
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="aging-{as_of}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- Listings' exports ----------------------------------------------------------------------


class ExportingIndexMixin:
    """`?export=csv|xlsx` on a finance listing writes the registered export of what the listing
    shows (its filters and search applied, every page), streamed. `export_name` names it;
    `export_queryset` may turn the listed rows into the export's (journal entries → lines)."""

    export_name = ""

    def export_queryset(self, queryset):
        return queryset

    def as_spreadsheet(self, queryset, spreadsheet_format):
        export = exports.EXPORTS[self.export_name]
        rows = self.export_queryset(queryset).order_by(*export.ordering)
        filename = f"{export.name}-{timezone.localdate().isoformat()}"
        if spreadsheet_format == "xlsx":
            return exports.xlsx_response(export, rows, filename)
        return exports.csv_response(export, rows, filename)


def exporting_index(base, export_name: str, **attrs):
    return type(
        f"{export_name.title().replace('_', '')}IndexView",
        (ExportingIndexMixin, base),
        {"export_name": export_name, **attrs},
    )


class JournalIndexView(ExportingIndexMixin, generic.IndexView):
    export_name = "journal"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("organisation", "pledge")
            .annotate(amount=Sum("lines__debit"))
        )

    def export_queryset(self, queryset):
        return JournalLine.objects.filter(entry__in=queryset.values("pk"))


class JournalInspectView(generic.InspectView):
    template_name = "finance/admin/journal_entry.html"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry"] = self.object
        context["lines"] = [
            (line, ledger.account_code(line.account), ledger.account_name(line.account))
            for line in self.object.lines.select_related("event")
        ]
        return context
