from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        # The site's organisation issues the finance documents (a hook finance declares).
        # Imported here because cms.models needs the apps loaded.
        from cms.models import fill_document_issuer
        from marketplace.finance.hooks import DOCUMENT_ISSUER

        DOCUMENT_ISSUER.register(10, "the site's organisation")(fill_document_issuer)
