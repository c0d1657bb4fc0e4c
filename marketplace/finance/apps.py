from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "marketplace.finance"
    label = "finance"
    verbose_name = _("Finance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What finance does when money moves in payments (the app below it), declared there.
        # Imported here because these modules import models, ready only once apps are loaded.
        from marketplace.finance.credit_notes import credit_the_refund
        from marketplace.payments.hooks import PAYMENT_REFUNDED

        PAYMENT_REFUNDED.register(10, "issue the credit note")(credit_the_refund)
