"""The public open-data page and its CSV and JSON downloads (no sign-in; cacheable)."""

import csv
import io
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe

from register.chart_views import CHARTS, build_chart
from register.opendata import csv_rows, open_figures
from register.stats import agreement_stats, format_number

# Public, aggregate and slow-changing: an hour in shared caches and in ours.
CACHE_SECONDS = 3600


def _public(response):
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@require_safe
def open_data_view(request):
    """The figures with their charts. Shared caches may keep it for anonymous visitors only:
    the site's header names a signed-in visitor."""
    charts = [build_chart(key, None, None, publishable_only=True) for key in CHARTS]
    types = agreement_stats("type", publishable_only=True)
    figures = open_figures()
    response = render(
        request,
        "register/open_data.html",
        {
            "charts": charts,
            "agreements": figures["agreements"],
            "types": types,
            "type_rows": [
                (label, [format_number(row.values[i]) for row in types.rows])
                for i, label in enumerate(types.labels)
            ],
            "notes": figures["notes"],
            "empty": not figures["agreements"],
            "page_title": _("Partnership agreements: open data"),
        },
    )
    if request.user.is_authenticated:
        response["Cache-Control"] = "private, no-cache"
        return response
    return _public(response)


@require_safe
@cache_page(CACHE_SECONDS)
def open_data_csv(request):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(open_figures()))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="partnerships-open-data.csv"'
    return _public(response)


@require_safe
@cache_page(CACHE_SECONDS)
def open_data_json(request):
    response = HttpResponse(
        json.dumps(open_figures(), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    return _public(response)
