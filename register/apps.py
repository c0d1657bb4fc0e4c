from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    label = "register"
    verbose_name = _("Partnership agreements")

    def ready(self):
        # The worker discovers only `worker.tasks`: register this app's task in every process.
        from register import tasks  # noqa: F401
