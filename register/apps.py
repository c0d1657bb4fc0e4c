from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    label = "register"
    verbose_name = _("Partnership agreements")

    def ready(self):
        # Executed sponsorship agreements are entered in the register (a declared step of the
        # agreements app), and the register's section is added to an organisation's admin page
        # (a sponsors hook); imported here because models must be loaded first.
        # Recorded rates of exchange value the agreements waiting for them (a finance hook).
        from register import rate_steps, sponsorships, story  # noqa: F401
