"""/account/privacy/: a signed-in person downloads their data and may ask to be erased.

Open to every signed-in person, with or without an organisation: the data is theirs."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.privacy.erasure import (
    ErasureError,
    open_obligations,
    pending_request,
)
from marketplace.privacy.erasure import request_erasure as record_request
from marketplace.privacy.export import personal_data
from marketplace.privacy.forms import ErasureRequestForm


def _page(request, form, status=200):
    return render(
        request,
        "privacy/privacy.html",
        {
            "section": "privacy",
            "form": form,
            "pending": pending_request(request.user),
            "obligations": open_obligations(request.user),
            "evidence_years": settings.SIGNATURE_EVIDENCE_YEARS,
        },
        status=status,
    )


@login_required
def privacy(request):
    return _page(request, ErasureRequestForm())


@login_required
def download(request):
    data = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"personal-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def request_erasure(request):
    form = ErasureRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        record_request(request.user, reason=form.cleaned_data["reason"])
    except ErasureError as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Your erasure request is recorded. The staff will handle it and your account "
                "will then be closed."
            ),
        )
    return redirect("privacy:privacy")
