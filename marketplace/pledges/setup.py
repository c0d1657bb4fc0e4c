"""Who may manage pledges, and terms for events that have none yet (demo data). Idempotent."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from events.editorial import APPROVERS, ORGANISERS
from events.models import EventPage
from marketplace.pledges.models import EventTerms
from marketplace.pledges.rules import publish_terms

# (app label, codename) granted to organisers and approvers.
ORGANISER_PERMISSIONS = [
    ("pledges", "view_pledge"),
    ("pledges", "decide_pledge"),
    ("pledges", "view_waitlistentry"),
    ("pledges", "add_eventterms"),
    ("pledges", "change_eventterms"),
    ("pledges", "view_eventterms"),
]

DEMO_TERMS = """Sponsorship terms

1. A pledge holds the pledged slots until the hold expires: 30 minutes for a card payment, 14 \
days for a bank transfer, and never past the sponsorship deadline. Unpaid holds are released.
2. Packages marked "requires approval" are confirmed only after due diligence and the \
organisers' approval.
3. The sponsor supplies its logo and texts before each benefit's delivery date.
4. Sponsorship does not imply endorsement of the sponsor's products, services or policies.
5. Cancellation after payment follows the refund policy published on the event page."""


@transaction.atomic
def ensure_pledge_permissions() -> None:
    """Give the "Event organisers" and "Sponsorship approvers" groups the pledge permissions
    (see pledges, approve / reject / extend / cancel them, edit event terms)."""
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in ORGANISER_PERMISSIONS
    ]
    for name in (ORGANISERS, APPROVERS):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def ensure_demo_terms() -> list[EventTerms]:
    """Publish the demo terms (version 1) for each event that has no terms yet."""
    events = EventPage.objects.exclude(
        pk__in=EventTerms.objects.values("event_id").distinct()
    ).order_by("pk")
    return [publish_terms(event, DEMO_TERMS) for event in events]


def ensure_pledges_setup() -> None:
    """Everything `load_demo` needs from the pledges app; safe to run any number of times."""
    ensure_pledge_permissions()
    ensure_demo_terms()
