from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "marketplace.agreements"
    label = "agreements"
    verbose_name = _("Sponsorship agreements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers this app's steps on the pledge, payment and catalogue hooks and its section
        # of a pledge's story (the models must be loaded).
        from marketplace.agreements import cloning, pledge_steps, story  # noqa: F401
