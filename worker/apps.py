from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from marketplace.core import health
from worker.app import app


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = _("Background work")

    def ready(self):
        # Record tasks that fail for good (Celery's task_failure signal). Imported here, as
        # Django's app loading requires: it uses the models.
        from worker import failures  # noqa: F401
        from worker.health import check_broker

        health.CHECKS["broker"] = check_broker

        # Every process knows every task, as a worker does: the installed apps' `tasks`
        # modules, found by name (no app is listed here). A task published by name is routed
        # by its declared `queue_name` only where it is registered, and the apps add their
        # beat entries as their tasks modules load.
        app.autodiscover_tasks(force=True)
