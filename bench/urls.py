"""The benchmarks' urlconf: the whole application (`marketplace.urls`) plus the baselines the
benchmarks compare it with, served by the same server through the same middleware.

* `/bench/minimal/` — bench/catalog.py: a minimal Django view, so the ratio shows what the
  catalogue itself costs;
* `/bench/webhook-verify/` — bench/webhooks.py: the webhook's signature check alone, nothing
  recorded or applied.
"""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments.webhooks import Refused, verify


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt
@require_POST
def webhook_verify_only(request):
    try:
        verify(request.body, request.headers.get("Stripe-Signature"))
    except Refused as refusal:
        return JsonResponse({"detail": str(refusal)}, status=400)
    return JsonResponse({"status": "verified"})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/webhook-verify/", webhook_verify_only),
    # Last: the application's own routes end with Wagtail's catch-all.
    path("", include("marketplace.urls")),
]
