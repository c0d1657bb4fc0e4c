from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "marketplace.fulfilment"
    label = "fulfilment"
    verbose_name = _("Benefit fulfilment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers this app's steps on the pledge and payment hooks, its section of a pledge's
        # story and its part of the sponsor's to-do list (the models must be loaded).
        from marketplace.fulfilment import pledge_steps, story, todo  # noqa: F401
