"""A minimal Django view, routed only when `BENCH_MINIMAL_VIEW` is on.

`bench/catalog.py` compares the event page's throughput with this view served by the same
server, through the same middleware, so the ratio shows what the catalogue itself costs.
"""

from django.http import HttpResponse


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")
