"""`GET /healthz`: is the database reachable, and the task broker?

`CHECKS` is a declared hook: core checks the database; the worker app, which owns the Celery
app, adds "broker" in its `AppConfig.ready` (core is the bottom layer and imports no app).
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


# name → a callable that raises when that part is down; apps add theirs when they are ready.
CHECKS = {"database": check_database}


@never_cache
@require_GET
def healthz(request):
    """200 with each part "ok", or 503 naming the parts that failed (and why, briefly)."""
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            check()
            report[name] = "ok"
        except Exception as exc:  # any failure of a dependency makes us unhealthy
            logger.warning("health check %s failed: %s", name, exc)
            report[name] = f"error: {type(exc).__name__}"
            healthy = False
    return JsonResponse(report, status=200 if healthy else 503)
