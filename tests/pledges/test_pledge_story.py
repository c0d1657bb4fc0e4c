"""A pledge's whole story on one admin page, and an organisation's across its pledges: formatted
amounts, the balance, every payment, document, agreement version and benefit task, one timeline
of their audit entries in the reader's time zone, only the actions allowed now — and a query
count that does not grow with the number of payments and tasks."""

import datetime
import re
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.users.models import UserProfile

from events.choices import BenefitKind
from events.editorial import ORGANISERS, ensure_editorial_setup, ensure_scope_permissions
from events.models import EventOrganiser
from marketplace.agreements.models import Agreement
from marketplace.core.roles import ensure_roles
from marketplace.core.story import TimelineEntry, merged_timeline
from marketplace.finance.models import Receipt
from marketplace.fulfilment.models import BenefitTask
from marketplace.payments.bank import record_transfer
from marketplace.payments.models import Payment
from marketplace.pledges.hooks import PLEDGE_STORY
from register.models import AgreementPartner, Partner
from register.models import PartnershipAgreement as RegisterAgreement
from sponsors.hooks import ORGANISATION_STORY
from sponsors.models import Clearance, ClearanceDecision, Contact, ContactRole
from tests.factories import make_event, make_package, make_terms, pledge_for

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.PAYMENTS_STAND_IN_ENABLED = False


@pytest.fixture
def gold(event):
    return make_package(
        event,
        title="Gold sponsor",
        price="50000.00",
        capacity=3,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.PASSES, 5, 7)],
    )


def transfer(pledge, amount, reference):
    record_transfer(
        pledge,
        amount=amount,
        currency=pledge.currency,
        value_date=timezone.localdate(),
        bank_reference=reference,
        actor=None,
    )


@pytest.fixture
def paid_pledge(sponsor, gold, on_commit):
    """Acme's gold pledge, paid in two transfers: receipted, its tasks created and its
    agreement issued and sent, as the workers do it."""
    Contact.objects.create(
        organisation=sponsor[1], role=ContactRole.SIGNATORY, name="Ada Lovelace",
        email="ceo@acme.example",
    )  # fmt: skip
    pledge = pledge_for(sponsor, gold, payment_method="bank_transfer")
    with on_commit():
        transfer(pledge, "20000", "BANK-1")
        transfer(pledge, "30000", "BANK-2")
    pledge.refresh_from_db()
    assert pledge.status == "paid"
    return pledge


@pytest.fixture
def superuser(db, client):
    user = get_user_model().objects.create_superuser("root@example.org", "root@example.org", "pw")
    client.force_login(user)
    return user


def _section(html, name) -> str:
    match = re.search(rf'<section [^>]*data-section="{name}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no {name} section"
    return match.group(1)


def test_the_pledge_page_tells_its_whole_story_in_the_readers_time_zone(
    client, superuser, paid_pledge
):
    profile = UserProfile.get_for_user(superuser)
    profile.current_time_zone = "Asia/Tokyo"
    profile.save()
    receipt = Receipt.objects.get(pledge=paid_pledge)
    agreement = Agreement.objects.get(pledge=paid_pledge)

    html = client.get(f"/admin/pledges/inspect/{paid_pledge.pk}/").content.decode()

    assert f"CHF{NBSP}50,000" in html and "50000.00" not in html
    assert "Public id" not in html and "Hold ends" not in html  # paid: no hold to show
    balance = _section(html, "balance")
    assert f"CHF{NBSP}50,000" in balance and "Nothing" in balance  # received all, nothing due
    assert receipt.number in balance and f"/admin/finance/receipts/pdf/{receipt.pk}/" in balance
    payments = _section(html, "payments")
    assert "BANK-1" in payments and "BANK-2" in payments and f"CHF{NBSP}20,000" in payments
    assert payments.count(">Refund<") == 2  # each received transfer can still be refunded
    agreements = _section(html, "agreement")
    assert agreement.label in agreements and "Sent for signature" in agreements
    assert "Issue a new version" in agreements and "Countersign" not in agreements
    tasks = _section(html, "tasks")
    assert "0 of 2 tasks delivered or waived" in tasks and "Logo on website" in tasks
    # Paid: no decision is left to take on the pledge itself.
    assert f"/admin/pledges/cancel/{paid_pledge.pk}/" not in html

    timeline = _section(html, "timeline")
    subjects = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>(?:<a [^>]*>)?([^<]*)<", timeline)
    assert {f"Pledge {paid_pledge.reference}", f"Agreement {agreement.label}"} <= set(subjects)
    assert f"Receipt {receipt.number}" in subjects
    assert any(subject.startswith(f"Payment {paid_pledge.reference} #") for subject in subjects)
    assert subjects[-1] == f"Pledge {paid_pledge.reference}"  # made first, listed last
    created = paid_pledge.history.first().at
    tokyo = timezone.localtime(created, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert date_format(tokyo, "j M Y, H:i") in timeline


def test_an_organiser_sees_the_story_without_money_documents_or_decisions(
    client, tree, paid_pledge
):
    ensure_editorial_setup(tree[1])
    ensure_scope_permissions()
    ensure_roles()
    organiser = get_user_model().objects.create_user("olivia@example.org", "o@example.org", "pw")
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    EventOrganiser.objects.create(event=paid_pledge.event, user=organiser)
    client.force_login(organiser)

    html = client.get(f"/admin/pledges/inspect/{paid_pledge.pk}/").content.decode()
    balance = _section(html, "balance")
    assert f"CHF{NBSP}50,000" in balance
    # The receipt's number shows only as the subject of the mail that sent it.
    assert "shown to finance staff" in balance and "RCPT-" not in balance
    assert ">Refund<" not in html and "record-transfer" not in html
    assert "Issue a new version" not in html  # reissuing is the approvers'
    assert "Open the event&#x27;s board" in _section(html, "tasks")

    other = make_event(tree[1], title="Regional Forum", acronym="RF-26")
    make_terms(other)
    EventOrganiser.objects.filter(user=organiser).update(event=other)
    response = client.get(f"/admin/pledges/inspect/{paid_pledge.pk}/")
    assert response.status_code == 404


def _pledge_page_queries(client, pledge) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/pledges/inspect/{pledge.pk}/")
    assert response.status_code == 200
    return len(queries)


def test_the_pledge_page_query_count_does_not_grow_with_payments_and_tasks(
    client, superuser, paid_pledge
):
    client.get(f"/admin/pledges/inspect/{paid_pledge.pk}/")  # warm caches
    few = _pledge_page_queries(client, paid_pledge)
    attempts = paid_pledge.payments.count()
    for n in range(1, 5):
        Payment.objects.create(
            pledge=paid_pledge, method="card", attempt=attempts + n, status="failed",
            amount=Decimal("50000"), currency="CHF",
        )  # fmt: skip
    task = BenefitTask.objects.filter(pledge=paid_pledge).first()
    for n in range(5):
        task.pk, task.public_id, task.unit = None, uuid.uuid4(), 10 + n
        task.save()
    many = _pledge_page_queries(client, paid_pledge)
    assert Payment.objects.filter(pledge=paid_pledge).count() == attempts + 4
    assert many == few


def test_the_organisation_page_shows_every_pledge_its_register_agreements_and_decisions(
    client, superuser, paid_pledge, gold, sponsor
):
    organisation = sponsor[1]
    held = pledge_for(sponsor, make_package(gold.event, title="Coffee break", price="5000"))
    ClearanceDecision.objects.create(
        organisation=organisation, decision=Clearance.CLEARED, reason="Checked all criteria.",
        decided_by=superuser,
    )  # fmt: skip
    partner = Partner.objects.create(name="Acme Corporation", organisation=organisation)
    mou = RegisterAgreement.objects.create(
        reference="BDT/2025/007", title="Connectivity for schools", partner_category="private",
        agreement_type="mou", signed_on=datetime.date(2025, 3, 1), value=Decimal("120000"),
        currency="USD",
    )  # fmt: skip
    AgreementPartner.objects.create(agreement=mou, partner=partner)

    html = client.get(f"/admin/organisations/inspect/{organisation.pk}/").content.decode()
    # The pledges' section holds the pledge story's sections: read it up to the next one.
    pledges = html[html.index('data-section="pledges"') : html.index('data-section="register"')]
    assert paid_pledge.reference in pledges and held.reference in pledges
    assert f"CHF{NBSP}5,000" in pledges
    for name in ("balance", "payments", "agreement", "tasks"):
        assert f'data-section="{name}"' in pledges  # the pledge story's sections, nested
    register = _section(html, "register")
    assert "BDT/2025/007" in register and f"USD{NBSP}120,000" in register
    timeline = _section(html, "timeline")
    assert "Due diligence" in timeline and "Checked all criteria." in timeline
    assert f"Pledge {held.reference}" in timeline


def test_the_story_hooks_list_their_sections_in_order():
    assert PLEDGE_STORY.describe() == [
        (10, "balance and documents"),
        (20, "payments and refunds"),
        (30, "agreement and versions"),
        (40, "benefit tasks"),
    ]
    assert ORGANISATION_STORY.describe() == [(10, "pledges"), (20, "partnership agreements")]


def test_the_timeline_merges_entries_newest_first_and_keeps_the_limit():
    at = timezone.now()
    older = [TimelineEntry(at=at - datetime.timedelta(hours=n), subject=f"a{n}", to_label="x")
             for n in (1, 3)]  # fmt: skip
    newer = [TimelineEntry(at=at - datetime.timedelta(hours=n), subject=f"b{n}", to_label="x")
             for n in (0, 2)]  # fmt: skip
    assert [e.subject for e in merged_timeline(older, newer)] == ["b0", "a1", "b2", "a3"]
    assert [e.subject for e in merged_timeline(older, newer, limit=2)] == ["b0", "a1"]
