from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "marketplace.agreements"
    label = "agreements"
    verbose_name = _("Sponsorship agreements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers this app's steps on the pledge, payment and catalogue hooks, its section of a
        # pledge's story and its part of the sponsor's to-do list and documents (the models must
        # be loaded).
        from marketplace.agreements import cloning, documents, pledge_steps, story, todo  # noqa: F401
