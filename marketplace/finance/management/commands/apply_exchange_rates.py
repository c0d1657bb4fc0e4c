"""`python manage.py apply_exchange_rates`"""

from django.core.management.base import BaseCommand

from marketplace.finance.reporting import apply_rates, unvalued_counts


class Command(BaseCommand):
    help = (
        "Value in the reporting currency every payment, document, journal entry and "
        "partnership agreement still without a value, at the rates now recorded, and resolve "
        "the missing-rate flags answered. Imports and admin saves of a rate do this by "
        "themselves; this is the catch-up. Prints what was valued and what is still waiting."
    )

    def handle(self, *args, **options):
        valued = apply_rates()
        self.stdout.write("valued: " + ", ".join(f"{kind} {n}" for kind, n in valued.items()))
        waiting = {kind: n for kind, n in unvalued_counts().items() if n}
        self.stdout.write(
            "still without a rate: "
            + (", ".join(f"{kind} {n}" for kind, n in waiting.items()) or "none")
        )
