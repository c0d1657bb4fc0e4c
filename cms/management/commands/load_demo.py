"""`python manage.py load_demo`: the demo catalogue, editorial groups and demo users.

Idempotent: what exists is left as it is, so running it twice changes nothing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cms.demo.catalogue import demo_events, ensure_event, ensure_site
from cms.demo.pledges import ensure_demo_pledges
from cms.demo.sponsors import ensure_demo_organisation
from cms.demo.teams import ensure_demo_teams
from cms.demo.users import demo_password, ensure_demo_users
from events.editorial import ensure_editorial_setup
from marketplace.agreements.permissions import ensure_agreements_setup
from marketplace.core.roles import ensure_roles
from marketplace.finance.demo import load_demo_rates
from marketplace.finance.permissions import ensure_demo_bank_details, ensure_finance_permissions
from marketplace.fulfilment.permissions import ensure_fulfilment_permissions
from marketplace.pledges.permissions import ensure_pledges_setup
from register.demo import load_demo_register
from register.pipeline.demo import load_demo_pipeline


class Command(BaseCommand):
    help = "Load the demo catalogue (GSR-26, ITU-D Study Groups, a regional forum) and users."

    def handle(self, *args, **options):
        with transaction.atomic():
            home, index = ensure_site()
            ensure_editorial_setup(index)
            created = []
            for spec in demo_events():
                event, new = ensure_event(index, spec)
                if new:
                    created.append(event.acronym)
            password, generated = demo_password()
            users = ensure_demo_users(password)
            organisation = ensure_demo_organisation(users)
            ensure_demo_teams(users)  # who organises which demo event
            # Rates first: the register's agreements and the demo's money are valued at them.
            load_demo_rates()
            load_demo_register()
            ensure_pledges_setup()
            ensure_finance_permissions()
            ensure_fulfilment_permissions()
            ensure_demo_bank_details()
            ensure_agreements_setup()
            ensure_roles()
            load_demo_pipeline()  # resource mobilisation: prospects, opportunities, targets
            # Pledges in every state, their documents, agreements and benefit tasks.
            pledges_made = ensure_demo_pledges(users, organisation)
        if pledges_made:
            self.stdout.write(f"Demo pledges created: {pledges_made}.")
        if created:
            call_command("update_index", verbosity=0)
            self.stdout.write(f"Demo catalogue created: {', '.join(created)}.")
        else:
            self.stdout.write("Demo catalogue already present: nothing changed.")
        if generated:
            self.stdout.write(f"Demo users' password (generated, kept in DATA_DIR): {password}")
