"""Who may manage pledges, and terms for events that have none yet (demo data). Idempotent."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from events.editorial import APPROVERS, ORGANISERS
from events.models import EventPage
from marketplace.core.roles import ROLE_STEPS
from marketplace.pledges.models import EventTerms
from marketplace.pledges.rules import publish_terms

# (app label, codename) granted to organisers and approvers: see pledges (of their own events,
# for organisers: see `events/scope.py`), edit event terms and write to the events' sponsors.
ORGANISER_PERMISSIONS = [
    ("pledges", "view_pledge"),
    ("pledges", "view_waitlistentry"),
    ("pledges", "add_eventterms"),
    ("pledges", "change_eventterms"),
    ("pledges", "view_eventterms"),
    ("pledges", "view_sponsormessage"),
    ("pledges", "message_sponsors"),
]
# Deciding a pledge (approve, reject, extend, cancel) is the approvers' alone: separated duties.
APPROVER_PERMISSIONS = [("pledges", "decide_pledge")]

DEMO_TERMS = """Sponsorship terms

1. A pledge holds the pledged slots until the hold expires: 30 minutes for a card payment, 14 \
days for a bank transfer, and never past the sponsorship deadline. Unpaid holds are released.
2. Packages marked "requires approval" are confirmed only after due diligence and the \
approvers' decision.
3. The sponsor supplies its logo and texts before each benefit's delivery date.
4. Sponsorship does not imply endorsement of the sponsor's products, services or policies.
5. Cancellation after payment follows the refund policy published on the event page."""


@ROLE_STEPS.register(60, "pledges: organisers see pledges, approvers decide them")
@transaction.atomic
def ensure_pledge_permissions() -> None:
    """Give "Event organisers" the pledge permissions above and "Sponsorship approvers" those
    and the decisions; take the decisions from organisers who held them before duties were
    separated."""
    organiser_permissions = _permissions(ORGANISER_PERMISSIONS)
    approver_only = _permissions(APPROVER_PERMISSIONS)
    organisers, _created = Group.objects.get_or_create(name=ORGANISERS)
    organisers.permissions.add(*organiser_permissions)
    organisers.permissions.remove(*approver_only)
    approvers, _created = Group.objects.get_or_create(name=APPROVERS)
    approvers.permissions.add(*organiser_permissions, *approver_only)


def _permissions(pairs):
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in pairs
    ]


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
