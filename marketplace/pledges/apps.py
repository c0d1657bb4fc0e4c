from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "marketplace.pledges"
    label = "pledges"
    verbose_name = _("Pledges")

    def ready(self):
        # Inside ready(): the counter queries Pledge, which needs the app registry loaded.
        from events.availability import set_counter
        from marketplace.pledges.availability import taken_quantities

        set_counter(taken_quantities)
        # Registers the pledges' step on the catalogue's "event cloned" hook and their section
        # of an organisation's admin page (a sponsors hook).
        from marketplace.pledges import cloning, story  # noqa: F401
