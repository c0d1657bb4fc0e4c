from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = _("Marketplace core")

    def ready(self):
        # Importing the module connects the Celery pool processes' font warm-up
        # (worker_process_init); ready() is where Django apps connect their receivers.
        from marketplace.core import page_routes, pdf, permission_cache  # noqa: F401

        page_routes.connect_signals()
        permission_cache.connect_signals()
