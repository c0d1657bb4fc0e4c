"""Who may manage agreements, and the standard clauses of the demo. Idempotent."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from events.editorial import APPROVERS, ORGANISERS
from marketplace.agreements.models import StandardClause
from marketplace.core.roles import ROLE_STEPS

# Organisers see the agreements of their events (`events/scope.py`) and keep the policies and
# clauses; countersigning and reissuing are the approvers' (separated duties).
ORGANISER_PERMISSIONS = [
    "view_agreement",
    "add_agreementpolicy",
    "change_agreementpolicy",
    "delete_agreementpolicy",
    "view_agreementpolicy",
    "add_standardclause",
    "change_standardclause",
    "delete_standardclause",
    "view_standardclause",
    "add_packageclause",
    "change_packageclause",
    "delete_packageclause",
    "view_packageclause",
]
APPROVER_ONLY_PERMISSIONS = ["countersign_agreement", "reissue_agreement"]

DEMO_CLAUSES = [
    (
        "Use of names and logos",
        "Each party may use the other's name and logo only as this agreement provides, for the "
        "event it concerns, and as the other party approved it.\n\nThe sponsor supplies its "
        "logo and texts before each benefit's delivery date; a benefit whose material arrives "
        "late is delivered as far as time allows.",
    ),
    (
        "No endorsement",
        "Sponsorship does not imply the organisers' endorsement of the sponsor's products, "
        "services or policies, and gives the sponsor no influence over the event's programme.",
    ),
    (
        "Cancellation",
        "If the event is cancelled, the organisers refund the amount paid less costs already "
        "incurred for the sponsor's benefits. A sponsor that withdraws after signature is "
        "refunded under the refund policy published on the event page.",
    ),
    (
        "Privileges and immunities",
        "Nothing in this agreement is a waiver of the privileges and immunities the organisers "
        "enjoy. Disputes are settled amicably or, failing that, by arbitration.",
    ),
]


@ROLE_STEPS.register(70, "agreements: organisers keep clauses, approvers countersign")
@transaction.atomic
def ensure_agreement_permissions() -> None:
    """Give "Event organisers" the agreement permissions above and "Sponsorship approvers"
    those and countersigning and reissuing; take the latter two from organisers who held them
    before duties were separated."""
    organiser_permissions = _permissions(ORGANISER_PERMISSIONS)
    approver_only = _permissions(APPROVER_ONLY_PERMISSIONS)
    organisers, _created = Group.objects.get_or_create(name=ORGANISERS)
    organisers.permissions.add(*organiser_permissions)
    organisers.permissions.remove(*approver_only)
    approvers, _created = Group.objects.get_or_create(name=APPROVERS)
    approvers.permissions.add(*organiser_permissions, *approver_only)


def _permissions(codenames):
    permissions = list(
        Permission.objects.filter(content_type__app_label="agreements", codename__in=codenames)
    )
    missing = set(codenames) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"Missing permissions (migrate first): {sorted(missing)}")
    return permissions


def ensure_demo_clauses() -> int:
    """Create the demo standard clauses when there are none; returns how many it created."""
    if StandardClause.objects.exists():
        return 0
    StandardClause.objects.bulk_create(
        StandardClause(title=title, body=body, order=index * 10)
        for index, (title, body) in enumerate(DEMO_CLAUSES, start=1)
    )
    return len(DEMO_CLAUSES)


def ensure_agreements_setup() -> None:
    """Everything `load_demo` needs from the agreements app; safe to run any number of times."""
    ensure_agreement_permissions()
    ensure_demo_clauses()
