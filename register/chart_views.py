"""The charts page: the seed report's two charts (new agreements by beneficiary region and by
area of action per year), value per year by currency, and agreements by partner category.
Each chart has its figures in a table beside it and as a CSV download."""

import csv
import io
from dataclasses import dataclass

from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from register import charts
from register.access import register_reader_required
from register.models import PartnershipAgreement
from register.stats import (
    MAX_YEAR,
    MIN_YEAR,
    StatsTable,
    agreement_stats,
    format_number,
    value_by_currency,
)
from register.valuation import without_rate

CHARTS = ("regions", "areas", "values", "categories")


@dataclass
class TableRow:
    label: str
    cells: list[str]


@dataclass
class Chart:
    key: str
    heading: str
    note: str
    svg: str
    row_heading: str
    columns: list[str]
    rows: list[TableRow]
    footer: TableRow | None

    @property
    def has_data(self) -> bool:
        return bool(self.rows) and len(self.columns) > 1


def _year_range(request, problems=None) -> tuple[int | None, int | None]:
    """The years asked for; each one that cannot be used is left out and, when `problems` is
    given, said there."""

    def year(name):
        raw = request.GET.get(name, "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            message = _("%(name)s: '%(value)s' is not a year") % {"name": name, "value": raw}
        elif not MIN_YEAR <= int(raw) <= MAX_YEAR:
            message = _("%(name)s: %(value)s is outside %(min)s–%(max)s") % {
                "name": name,
                "value": raw,
                "min": MIN_YEAR,
                "max": MAX_YEAR,
            }
        else:
            return int(raw)
        if problems is not None:
            problems.append(message)
        return None

    year_from, year_to = year("from"), year("to")
    if year_from and year_to and year_from > year_to:
        year_from, year_to = year_to, year_from
    return year_from, year_to


def _shares_chart(key, table: StatsTable, heading, note, row_heading) -> Chart:
    years = [str(row.year) for row in table.rows]
    series = [
        charts.Series(label, [float(row.values[i]) for row in table.rows])
        for i, label in enumerate(table.labels)
    ]
    totals = table.column_totals()
    rows = [
        TableRow(
            label, [*(format_number(r.values[i]) for r in table.rows), format_number(totals[i])]
        )
        for i, label in enumerate(table.labels)
    ]
    footer = TableRow(
        _("New agreements"), [*(str(r.total) for r in table.rows), str(table.grand_total())]
    )
    svg = charts.grouped_bars(
        f"chart-{key}",
        heading,
        _("Bar chart by year; the table beside it gives the same figures."),
        years,
        series,
        value_format=lambda v: format_number_float(v),
    )
    columns = [*years, _("Total")] if years else []
    return Chart(key, heading, note, svg, row_heading, columns, rows, footer)


def format_number_float(value) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _values_chart(year_from, year_to, publishable_only=False) -> Chart:
    table = value_by_currency(year_from, year_to, publishable_only=publishable_only)
    reporting = table.reporting_currency
    heading = _("Value of agreements per year, by currency and in %(currency)s") % {
        "currency": reporting
    }
    years = [str(year) for year, _values in table.rows]
    series = [
        charts.Series(currency, [float(values[i]) for _year, values in table.rows])
        for i, currency in enumerate(table.currencies)
    ]
    total_label = _("Total in %(currency)s") % {"currency": reporting}
    if table.rows:
        series.append(
            charts.Series(
                total_label, [float(table.reporting_total(year)) for year, _v in table.rows]
            )
        )
    # One row per year, one column per currency and the reporting total: narrow enough to sit
    # beside the chart.
    rows = [
        TableRow(
            str(year),
            [f"{value:,.0f}" for value in values] + [_reporting_cell(table, year)],
        )
        for year, values in table.rows
    ]
    footer = TableRow(
        _("All years"),
        [
            f"{sum(values[i] for _y, values in table.rows):,.0f}"
            for i in range(len(table.currencies))
        ]
        + [f"{sum(table.reporting_total(year) for year, _v in table.rows):,.0f}"],
    )
    svg = charts.grouped_bars(
        "chart-values",
        heading,
        _("Bar chart of stated values by year and currency; the table beside it gives them."),
        years,
        series,
        value_format=lambda v: f"{float(v):,.0f}",
    )
    missing = sum(table.without_rate.values())
    note = _(
        "Sum of the stated values of all agreements signed each year, addenda included. "
        "Currencies are added together only in the last column, each value converted at the "
        "UN operational rate of exchange of its signature month."
    )
    if missing:
        note = " ".join(
            [
                note,
                ngettext(
                    "%(count)s value has no rate of exchange for its date and is left out of the "
                    "total (marked *).",
                    "%(count)s values have no rate of exchange for their date and are left out of "
                    "the total (marked *).",
                    missing,
                )
                % {"count": missing},
            ]
        )
    columns = [*table.currencies, total_label]
    return Chart("values", heading, note, svg, _("Year"), columns, rows, footer)


def _reporting_cell(table, year) -> str:
    cell = f"{table.reporting_total(year):,.0f}"
    return f"{cell} *" if table.without_rate.get(year) else cell


def _categories_chart(year_from, year_to, publishable_only=False) -> Chart:
    table = agreement_stats("category", year_from, year_to, publishable_only=publishable_only)
    heading = _("New agreements by partner category")
    totals = table.column_totals()
    items = [(label, float(totals[i])) for i, label in enumerate(table.labels)]
    svg = charts.horizontal_bars(
        "chart-categories",
        heading,
        _("Bar chart of new agreements per partner category over the years shown."),
        items,
        value_format=lambda v: format_number_float(v),
    )
    chart = _shares_chart("categories", table, heading, "", _("Partner category"))
    chart.svg = svg
    chart.note = _("Addenda are not counted. Each agreement counts in its partner category.")
    return chart


def build_chart(key, year_from, year_to, publishable_only=False) -> Chart:
    """One chart of the page; with `publishable_only`, of the open-data agreements only."""
    only = {"publishable_only": publishable_only}
    if key == "regions":
        return _shares_chart(
            "regions",
            agreement_stats("region", year_from, year_to, **only),
            _("New agreements by beneficiary region"),
            _(
                "Addenda are counted apart. An agreement for k regions counts 1/k in each, so "
                "each year's regions add up to its number of new agreements."
            ),
            _("Region"),
        )
    if key == "areas":
        return _shares_chart(
            "areas",
            agreement_stats("area", year_from, year_to, **only),
            _("New agreements by area of action"),
            _("Addenda are counted apart. An agreement in k areas counts 1/k in each."),
            _("Area of action"),
        )
    if key == "values":
        return _values_chart(year_from, year_to, **only)
    return _categories_chart(year_from, year_to, **only)


def chart_csv_rows(key, year_from, year_to) -> list[list[str]]:
    if key in ("regions", "areas", "categories"):
        by = {"regions": "region", "areas": "area", "categories": "category"}[key]
        return agreement_stats(by, year_from, year_to).csv_rows()
    return value_by_currency(year_from, year_to).csv_rows()


@register_reader_required
def charts_view(request):
    problems: list[str] = []
    year_from, year_to = _year_range(request, problems)
    bounds = PartnershipAgreement.objects.filter(signed_on__isnull=False).aggregate(
        first=Min("signed_on"), last=Max("signed_on")
    )
    years = list(range(bounds["first"].year, bounds["last"].year + 1)) if bounds["first"] else []
    addenda = agreement_stats("type", year_from, year_to)
    addendum_index = addenda.codes.index("addendum")
    return render(
        request,
        "register/charts.html",
        {
            "charts": [build_chart(key, year_from, year_to) for key in CHARTS],
            "years": years,
            "year_from": year_from,
            "year_to": year_to,
            "problems": problems,
            "query": request.GET.urlencode(),
            "addenda": [
                (row.year, format_number(row.values[addendum_index])) for row in addenda.rows
            ],
            # Data quality: stated values no rate of exchange could convert (first 20).
            "without_rate": list(without_rate().order_by("-signed_on", "reference")[:20]),
            "without_rate_count": without_rate().count(),
        },
    )


@register_reader_required
def chart_csv_view(request, key):
    if key not in CHARTS:
        raise Http404
    year_from, year_to = _year_range(request)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(chart_csv_rows(key, year_from, year_to))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partnerships-{key}.csv"'
    return response
