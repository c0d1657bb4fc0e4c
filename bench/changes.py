"""How the catalogue benchmark changes a package's availability while the event page is loaded.

With the pledge service in the app, a sponsor pledges one slot (the way availability changes in
real life); without it, an editor publishes a revision with a smaller capacity. Either way the
change is committed in one transaction, and `change()` returns the time just before the commit
with the label the event page must then show for the package.
"""

import secrets
import time

from django.db import transaction

WATCHED_CAPACITY = 900
SPONSOR_EMAIL = "bench-sponsor-{}@example.org"
SPONSOR_NAME = "Benchmark sponsor"


class CapacityChange:
    how = "a page revision with a smaller capacity, published"

    def __init__(self, event, package):
        self.package_id = package.pk
        self.capacity = WATCHED_CAPACITY

    def change(self) -> tuple[float, str]:
        from events.models import SponsorshipPackagePage

        self.capacity -= 1
        package = SponsorshipPackagePage.objects.get(pk=self.package_id)
        package.capacity = self.capacity
        with transaction.atomic():
            package.save_revision().publish()
            committing = time.time()
        return committing, f"{self.capacity} of {self.capacity} left"


class PledgeChange:
    how = "a held pledge of one slot, through marketplace.pledges.services.create_pledge"

    def __init__(self, event, package):
        from tests.factories import make_sponsor, make_terms

        self.package_id = package.pk
        self.sponsor = make_sponsor(SPONSOR_EMAIL.format(secrets.token_hex(4)), name=SPONSOR_NAME)
        make_terms(event)
        self.taken = 0

    def change(self) -> tuple[float, str]:
        from marketplace.pledges.services import create_pledge

        user, organisation = self.sponsor
        with transaction.atomic():
            create_pledge(
                user=user,
                organisation=organisation,
                package_id=self.package_id,
                quantity=1,
                payment_method="bank_transfer",
                accept_terms=True,
            )
            committing = time.time()
        self.taken += 1
        return committing, f"{WATCHED_CAPACITY - self.taken} of {WATCHED_CAPACITY} left"


def availability_changer(event, package):
    """A pledge-based change when the app can take pledges, else a capacity change."""
    try:
        import marketplace.pledges.services  # noqa: F401
    except ImportError:
        return CapacityChange(event, package)
    return PledgeChange(event, package)


def remove_pledges_and_sponsors(events) -> None:
    """Remove what the benchmark's pledges left (they protect the pages from deletion)."""
    from django.contrib.auth import get_user_model

    try:
        from marketplace.pledges.models import Pledge
        from sponsors.models import Organisation
    except ImportError:
        return
    Pledge.objects.filter(event__in=events).delete()
    get_user_model().objects.filter(email__startswith="bench-sponsor-").delete()
    Organisation.objects.filter(display_name=SPONSOR_NAME, pledges__isnull=True).delete()
