"""Every cell of the README's role × action matrix, over HTTP against the real admin URLs, with
real users in each staff group.

Each row is an action on something of event A (the GSR): a pledge, its organisation and mail,
its agreement, its benefit tasks, a receipt. The columns are who tries it: an organiser of A,
an organiser of B only (through a group), a sponsorship approver, finance, a partnership
officer and a superuser. An allowed cell must answer with success AND have its effect; a refused
one must answer 403/404 (or Wagtail's redirect to the dashboard, its way of saying 403) AND
change nothing.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from events.choices import BenefitKind
from events.editorial import APPROVERS, ORGANISERS
from events.models import EventOrganiser
from marketplace.agreements.models import Agreement, StandardClause
from marketplace.agreements.signing import sign_as_sponsor
from marketplace.core.roles import ensure_roles
from marketplace.finance.models import Receipt
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.services import create_tasks_for_pledge
from marketplace.payments.bank import record_transfer
from marketplace.pledges.models import Pledge
from register.access import PARTNERSHIP_OFFICERS
from sponsors.models import Clearance, Contact, ContactRole, ExclusionCriterion
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for
from worker.models import MailLog

Y, N = True, False
ROLES = [
    "organiser_own_event",
    "organiser_other_event",
    "approver",
    "finance",
    "partnership_officer",
    "superuser",
]
# The README's matrix, row by row (columns in the order of ROLES). Keep the two in step.
MATRIX = {
    "view_pledges": (Y, N, Y, Y, N, Y),
    "view_organisation_and_its_mail": (Y, N, Y, N, N, Y),
    "decide_pledge": (N, N, Y, N, N, Y),
    "clear_due_diligence": (N, N, Y, N, N, Y),
    "countersign_agreement": (N, N, Y, N, N, Y),
    "reissue_agreement": (N, N, Y, N, N, Y),
    "work_fulfilment_board": (Y, N, Y, N, N, Y),
    "view_finance_documents": (N, N, N, Y, N, Y),
    "read_mail_log_bodies": (N, N, N, N, N, Y),  # and the Support group (issue 9, item 1)
}
CELLS = [
    pytest.param(action, role, allowed, id=f"{action}-{role}")
    for action, row in MATRIX.items()
    for role, allowed in zip(ROLES, row, strict=True)
]


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.PAYMENTS_STAND_IN_ENABLED = False


def _staff(email, *groups, superuser=False):
    user = get_user_model().objects.create_user(
        email, email, "pw", first_name=email.split("@")[0].title(), is_superuser=superuser
    )
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


class World:
    """Event A with a pledge from Acme (which also pledged to event B), and the six users."""

    def __init__(self, tree):
        ensure_roles()
        self.event_a = make_event(tree[1], title="Global Symposium", acronym="GSR-26")
        self.event_b = make_event(tree[1], title="Regional Forum", acronym="RF-26")
        for event in (self.event_a, self.event_b):
            make_terms(event)
        self.package_a = make_package(
            self.event_a,
            title="Gold sponsor",
            price="50000.00",
            capacity=5,
            benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30)],
        )
        self.dinner_a = make_package(
            self.event_a, title="Networking dinner", slug="dinner", requires_approval=True
        )
        self.package_b = make_package(self.event_b, title="Coffee break", slug="coffee")
        self.sponsor = make_sponsor("ceo@acme.example", name="Acme")
        Contact.objects.create(
            organisation=self.sponsor[1], role=ContactRole.SIGNATORY, name="Ada Lovelace",
            email="ceo@acme.example",
        )  # fmt: skip
        self.pledge_a = pledge_for(self.sponsor, self.package_a)
        self.pledge_b = pledge_for(self.sponsor, self.package_b)
        self.mail_a = MailLog.objects.create(
            key="a", to="ceo@acme.example", from_email="x@example.org",
            subject="Your Gold sponsor pledge", body_text="SECRET-BODY-A",
            pledge=self.pledge_a, organisation=self.sponsor[1],
        )  # fmt: skip
        MailLog.objects.create(
            key="b", to="ceo@acme.example", from_email="x@example.org",
            subject="Your Coffee break pledge", body_text="body b",
            pledge=self.pledge_b, organisation=self.sponsor[1],
        )  # fmt: skip

        forum_team = Group.objects.create(name="Regional forum team")
        self.users = {
            "organiser_own_event": _staff("olivia@bureau.example", ORGANISERS),
            "organiser_other_event": _staff("omar@bureau.example", ORGANISERS),
            "approver": _staff("amadou@bureau.example", APPROVERS),
            "finance": _staff("fatima@bureau.example", "Finance"),
            "partnership_officer": _staff("paula@bureau.example", PARTNERSHIP_OFFICERS),
            "superuser": _staff("ada@bureau.example", superuser=True),
        }
        EventOrganiser.objects.create(event=self.event_a, user=self.users["organiser_own_event"])
        # Omar organises B through a group, the other way an event names its organisers.
        self.users["organiser_other_event"].groups.add(forum_team)
        EventOrganiser.objects.create(event=self.event_b, group=forum_team)

    # Objects some rows need, made on demand (each cell gets a fresh database).

    def awaiting_approval(self):
        self.sponsor[1].clearance = Clearance.CLEARED
        self.sponsor[1].save()
        return pledge_for(self.sponsor, self.dinner_a)

    def paid_a(self, on_commit):
        StandardClause.objects.create(title="No endorsement", body="None implied.", order=1)
        with on_commit(execute=True):
            record_transfer(
                self.pledge_a,
                amount=self.pledge_a.total,
                currency=self.pledge_a.currency,
                value_date=timezone.localdate(),
                bank_reference="BANK-1",
                actor=None,
            )
        self.pledge_a.refresh_from_db()
        return self.pledge_a

    def signed_agreement(self, on_commit):
        self.paid_a(on_commit)
        agreement = Agreement.objects.get(pledge=self.pledge_a)
        sign_as_sponsor(
            agreement,
            user=self.sponsor[0],
            full_name="Ada Lovelace",
            title="Chief Executive",
            confirmed=True,
            document_sha256=agreement.sha256,
            ip_address="203.0.113.7",
            user_agent="SponsorBrowser/1.0",
        )
        agreement.refresh_from_db()
        return agreement


def refused(response) -> bool:
    """403 or 404, or Wagtail's answer to a PermissionDenied in the admin: back to the
    dashboard (or to the sign-in page for someone without admin access)."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] in (
        "/admin/",
        "/admin/login/",
        "/accounts/login/",
    )


# --- One function per row: do the action, return whether it was allowed (and took effect) --


def view_pledges(client, world, on_commit):
    listing = client.get("/admin/pledges/")
    detail = client.get(f"/admin/pledges/inspect/{world.pledge_a.pk}/")
    shown = listing.status_code == 200 and world.pledge_a.reference in listing.content.decode()
    if detail.status_code == 200 and shown:
        return True
    assert refused(detail), detail.status_code
    assert not shown
    return False


def view_organisation_and_its_mail(client, world, on_commit):
    response = client.get(f"/admin/organisations/inspect/{world.sponsor[1].pk}/")
    if response.status_code == 200 and world.mail_a.subject in response.content.decode():
        return True
    # Either refused, or the page opens without what this role may not read.
    assert refused(response) or response.status_code == 200, response.status_code
    return False


def decide_pledge(client, world, on_commit):
    pledge = world.awaiting_approval()
    response = client.post(f"/admin/pledges/approve/{pledge.pk}/", {"reason": "Checked."})
    status = Pledge.objects.get(pk=pledge.pk).status
    if response.status_code == 302 and status == "awaiting_payment":
        assert response["Location"] == f"/admin/pledges/inspect/{pledge.pk}/"
        return True
    assert refused(response), response.status_code
    assert status == "awaiting_approval"
    return False


def clear_due_diligence(client, world, on_commit):
    organisation = world.sponsor[1]
    criteria = [c for c in ExclusionCriterion.values if c != ExclusionCriterion.OTHER]
    response = client.post(
        f"/admin/organisations/clear/{organisation.pk}/", {"reason": "OK.", "criteria": criteria}
    )
    organisation.refresh_from_db()
    if response.status_code == 302 and organisation.clearance == Clearance.CLEARED:
        return True
    assert refused(response), response.status_code
    assert organisation.clearance == Clearance.PENDING
    return False


def countersign_agreement(client, world, on_commit):
    agreement = world.signed_agreement(on_commit)
    response = client.post(
        f"/admin/agreements/countersign/{agreement.pk}/",
        {"full_name": "Staff Member", "title": "Head of Partnerships", "confirm": "on"},
    )
    agreement.refresh_from_db()
    if response.status_code == 302 and agreement.status == "executed":
        return True
    assert refused(response), response.status_code
    assert agreement.status == "signed_by_sponsor"
    return False


def reissue_agreement(client, world, on_commit):
    world.paid_a(on_commit)
    agreement = Agreement.objects.get(pledge=world.pledge_a)
    with on_commit(execute=True):  # the new version is rendered by a task after commit
        response = client.post(
            f"/admin/agreements/new-version/{agreement.pk}/", {"reason": "New address."}
        )
    agreement.refresh_from_db()
    versions = Agreement.objects.filter(pledge=world.pledge_a).count()
    if response.status_code == 302 and agreement.status == "void" and versions == 2:
        return True
    assert refused(response), response.status_code
    assert agreement.status == "sent" and versions == 1
    return False


def work_fulfilment_board(client, world, on_commit):
    world.paid_a(on_commit)
    create_tasks_for_pledge(world.pledge_a.pk)  # as the worker does after payment
    task = BenefitTask.objects.get(pledge=world.pledge_a)
    board = client.get(f"/admin/fulfilment/event/{world.event_a.pk}/")
    response = client.post(f"/admin/fulfilment/task/{task.pk}/start/")
    state = BenefitTask.objects.get(pk=task.pk).state
    if board.status_code == 200 and response.status_code == 302 and state == "in_progress":
        assert task.title in board.content.decode()
        return True
    assert refused(board), board.status_code
    assert refused(response), response.status_code
    assert state == "to_do"
    return False


def view_finance_documents(client, world, on_commit):
    world.paid_a(on_commit)
    receipt = Receipt.objects.get(pledge=world.pledge_a)
    listing = client.get("/admin/finance/receipts/")
    if listing.status_code == 200 and receipt.number in listing.content.decode():
        return True
    assert refused(listing), listing.status_code
    return False


def read_mail_log_bodies(client, world, on_commit):
    response = client.get(f"/admin/mail-log/inspect/{world.mail_a.pk}/")
    if response.status_code == 200 and "SECRET-BODY-A" in response.content.decode():
        return True
    # Either refused, or the page opens without what this role may not read.
    assert refused(response) or response.status_code == 200, response.status_code
    return False


@pytest.mark.parametrize("action, role, allowed", CELLS)
def test_role_matrix_cell(action, role, allowed, client, tree, django_capture_on_commit_callbacks):
    world = World(tree)
    if action == "read_mail_log_bodies" and not Group.objects.filter(name="Support").exists():
        pytest.skip("mail-log bodies are gated by the Support group (issue 9, item 1)")
    client.force_login(world.users[role])
    outcome = globals()[action](client, world, django_capture_on_commit_callbacks)
    assert outcome is allowed, f"{role} {'may' if allowed else 'may not'} {action}"


def test_the_readme_shows_the_same_matrix():
    """The README's table and MATRIX say the same (✅ allowed, ❌ refused)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Who may do what", 1)[1].split("\n\n", 2)[1]
    table = {}
    for line in section.splitlines()[2:]:  # after the header and its rule
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        table[cells[0].split("`")[1]] = tuple(cell.startswith("✅") for cell in cells[1:])
    assert table == MATRIX
