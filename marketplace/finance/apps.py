from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "marketplace.finance"
    label = "finance"
    verbose_name = _("Finance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers this app's steps on the pledge and payment hooks, its section of a pledge's
        # story and its part of the sponsor's to-do list and documents (the models must be
        # loaded).
        from marketplace.finance import (  # noqa: F401
            documents,
            payout_steps,
            pledge_steps,
            story,
            todo,
        )

        # The one balance per pledge, computed here, is what payments read (`set_calculator`).
        from marketplace.finance.balance import balance_of
        from marketplace.payments.balance import set_calculator

        set_calculator(balance_of)
