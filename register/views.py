"""Staff pages of the register: the search tool, an agreement, a partner's profile, the
export and the protected documents. Thin: the work is in search.py, profile.py, exporting.py."""

import csv
import os

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from register.access import EDIT, can_import, register_reader_required
from register.choices import AreaOfAction, Region
from register.exporting import export_rows
from register.models import AgreementDocument, Partner, PartnershipAgreement, with_lists
from register.profile import (
    agreement_totals,
    extra_sections,
    partner_agreements,
    partner_codes,
    partners_like,
)
from register.search import SearchParams, search


def _admin_url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register_reader_required
def search_view(request):
    params = SearchParams.from_query(request.GET)
    result = search(params, request.GET.get("page"))
    suggestions = []
    if params.region or params.area:
        suggestions = partners_like(regions=params.region, areas=params.area)
    facets = [
        ("region", _("Beneficiary region"), result.facets["region"]),
        ("area", _("Area of action"), result.facets["area"]),
        ("type", _("Agreement type"), result.facets["type"]),
        ("category", _("Partner category"), result.facets["category"]),
        ("contribution", _("Contribution"), result.facets["contribution"]),
        ("value", _("Value (in its currency)"), result.facets["value"]),
    ]
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return render(
        request,
        "register/search.html",
        {
            "page_query": page_query.urlencode(),
            "params": params,
            "results": result.page,
            "result": result,
            "facets": facets,
            "years": result.years,
            "suggestions": suggestions,
            "can_import": can_import(request.user),
            "problems": params.problem_messages(),
        },
    )


@register_reader_required
def agreement_view(request, pk):
    agreement = get_object_or_404(
        with_lists(PartnershipAgreement.objects.all()).prefetch_related(
            "signatories", "documents", "addenda", "audit_entries__user"
        ),
        pk=pk,
    )
    return render(
        request,
        "register/agreement.html",
        {
            "agreement": agreement,
            "audit_entries": agreement.audit_entries.select_related("user")[:50],
            "edit_url": (
                _admin_url("wagtailsnippets_register_agreement:edit", agreement.pk)
                if request.user.has_perm(EDIT)
                else ""
            ),
        },
    )


@register_reader_required
def partner_view(request, pk):
    partner = get_object_or_404(Partner.objects.select_related("organisation"), pk=pk)
    regions, areas = partner_codes(partner)
    return render(
        request,
        "register/partner.html",
        {
            "partner": partner,
            "agreements": partner_agreements(partner),
            "totals": agreement_totals(partner),
            "sections": extra_sections(partner),
            "regions": [Region(code).label for code in regions],
            "areas": [AreaOfAction(code).label for code in areas],
            "suggestions": partners_like(regions=regions, areas=areas, exclude=[partner.pk]),
        },
    )


@register_reader_required
def document_view(request, name):
    document = AgreementDocument.objects.filter(file=name).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.storage.open(name, "rb")
    except (OSError, ValueError):
        raise Http404
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=os.path.basename(name),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


class _Echo:
    def write(self, value):
        return value


@register_reader_required
def export_view(request):
    """The register as CSV, the import's format (with a byte-order mark for spreadsheets)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in export_rows():
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="partnership-agreements.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
