"""The demo sponsor organisation: sponsor@example.org administers Acme Connectivity Ltd, a
private-sector company that has declared and been cleared, with a full set of contacts, and a
team: signatory@example.org signs its agreements, member@example.org only reads."""

from django.db import transaction
from django.utils import timezone

from sponsors.choices import PartnerCategory
from sponsors.models import Clearance, Contact, ContactRole, MemberRole, Membership, Organisation
from sponsors.permissions import ensure_sponsor_review_permissions
from sponsors.services import decide_clearance

SPONSOR_EMAIL = "sponsor@example.org"
ORGANISATION = "Acme Connectivity Ltd"
CONTACTS = [
    (ContactRole.PRIMARY, "Sam Sponsor", SPONSOR_EMAIL, "+41 22 555 01 00"),
    (ContactRole.SIGNATORY, "Grace Hopper-Okafor", "ceo@acme-connectivity.example", ""),
    (ContactRole.FINANCE, "Luis Ortega", "accounts@acme-connectivity.example", "+41 22 555 01 20"),
    (ContactRole.MARKETING, "Mei Chen", "brand@acme-connectivity.example", ""),
]
# Sam's teammates, to try the sponsor roles: who may sign, who may only read.
TEAM = [
    ("signatory@example.org", MemberRole.SIGNATORY),
    ("member@example.org", MemberRole.MEMBER),
]


@transaction.atomic
def ensure_demo_organisation(users: dict) -> Organisation | None:
    """Give the demo sponsor its organisation (once) and let the demo organisers review
    organisations. Returns the organisation; leaves an existing one as it is."""
    ensure_sponsor_review_permissions()
    sponsor = users.get(SPONSOR_EMAIL)
    if sponsor is None:
        return None
    existing = Membership.objects.filter(user=sponsor).select_related("organisation").first()
    if existing:
        _ensure_team(existing.organisation, users)
        return existing.organisation
    organisation = Organisation.objects.create(
        legal_name=ORGANISATION,
        display_name="Acme Connectivity",
        country="CH",
        category=PartnerCategory.PRIVATE_SECTOR,
        website="https://acme-connectivity.example",
        billing_address="Acme Connectivity Ltd\nRue du Rhône 1\n1204 Geneva\nSwitzerland",
        tax_id="CHE-123.456.789 MWST",
        declares_no_excluded_activities=True,
        accepts_global_compact=True,
        declared_at=timezone.now(),
        clearance=Clearance.PENDING,
    )
    Membership.objects.create(user=sponsor, organisation=organisation, role=MemberRole.ADMIN)
    _ensure_team(organisation, users)
    for role, name, email, phone in CONTACTS:
        Contact.objects.create(
            organisation=organisation, role=role, name=name, email=email, phone=phone
        )
    decide_clearance(
        organisation,
        users.get("approver@example.org"),  # due diligence is the approvers' (separated duties)
        Clearance.CLEARED,
        "Demo data: declaration checked, no excluded activities.",
        notify=False,
    )
    return organisation


def _ensure_team(organisation, users: dict) -> None:
    """Add the demo teammates who are not in a team yet (a role changed in the demo stays)."""
    for email, role in TEAM:
        user = users.get(email)
        if user is not None and not Membership.objects.filter(user=user).exists():
            Membership.objects.create(user=user, organisation=organisation, role=role)
