from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.core import health


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Background work")

    def ready(self):
        # Record tasks that fail for good (Celery's task_failure signal).
        from worker import failures  # noqa: F401
        from worker.health import check_broker

        health.CHECKS["broker"] = check_broker
