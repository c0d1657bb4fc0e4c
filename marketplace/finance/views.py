"""The sponsor's finance pages: ask for the bank-transfer invoice, and download the pledge's
documents (invoice, receipts, credit notes). Members of the pledging organisation only; anyone
else gets 404, as for a pledge that does not exist. Every member downloads the documents;
asking for the invoice needs the role or grant that may pay, else the refusal page. Routed
under the `payments:` URL names with the payment pages (marketplace/urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.finance import pdfs
from marketplace.finance.invoices import request_invoice as issue_on_request
from marketplace.payments.errors import PaymentError
from marketplace.payments.views import own_pledge, refusal_to_pay


@login_required
@require_POST
def request_invoice(request, public_id):
    pledge = own_pledge(request, public_id)
    if refused := refusal_to_pay(request, pledge):
        return refused
    try:
        invoice = issue_on_request(
            pledge, user=request.user, po_number=request.POST.get("po_number", "")
        )
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invoice %(number)s is ready below; we also emailed it to your finance contact.")
            % {"number": invoice.number},
        )
    return redirect("pledges:detail", public_id=pledge.public_id)


def pdf_response(kind: str, document) -> HttpResponse:
    response = HttpResponse(pdfs.pdf_bytes(kind, document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def download(request, public_id, kind, number):
    pledge = own_pledge(request, public_id)
    model = pdfs.MODELS.get(kind)
    if model is None:
        raise Http404
    document = get_object_or_404(
        model.objects.select_related("pledge"), pledge=pledge, number=number
    )
    return pdf_response(kind, document)
