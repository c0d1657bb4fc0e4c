from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiTokensConfig(AppConfig):
    name = "sponsors.tokens"
    label = "api_tokens"
    verbose_name = _("API tokens")

    def ready(self):
        from sponsors.tokens import signals  # noqa: F401 (connects the revocation hooks)
