"""UN due diligence: the Security Council Consolidated List is imported, organisations, their
signatories, contacts and members are screened against it (at onboarding, on every import and
daily), a match blocks approval until an approver reviews it, and decisions record the
exclusion criteria checked — approved, approved with reservation, or declined."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from events.editorial import APPROVERS, ORGANISERS, admin_access, ensure_scope_permissions
from sponsors.models import (
    Clearance,
    ClearanceDecision,
    Contact,
    ContactRole,
    ExclusionCriterion,
    Organisation,
    SanctionsEntry,
    ScreeningMatch,
    ScreeningOutcome,
)
from sponsors.permissions import ensure_screening_permissions, ensure_sponsor_review_permissions
from sponsors.sanctions import SanctionsListError, parse_consolidated_list, store_entries
from sponsors.screening import screen_organisations
from sponsors.services import (
    OrganisationError,
    create_organisation,
    decide_clearance,
    review_match,
    save_contact,
)
from sponsors.tasks import screen_sponsors
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "consolidated_sample.xml"
CHECKED = [c for c in ExclusionCriterion.values if c != ExclusionCriterion.OTHER]


@pytest.fixture
def sanctions_list():
    with SAMPLE.open("rb") as stream:
        entries, generated = parse_consolidated_list(stream)
    store_entries(entries, generated)


@pytest.fixture
def approver():
    group = Group.objects.create(name=APPROVERS)
    group.permissions.add(admin_access())
    ensure_sponsor_review_permissions()
    ensure_screening_permissions()
    ensure_scope_permissions()
    user = make_user("approver@bureau.example")
    user.groups.add(group)
    return user


def _onboard(name, contact_name="Ana Lopez"):
    user = make_user()
    organisation = Organisation(
        legal_name=name,
        display_name=name[:120],
        country="CH",
        category="private_sector",
        declares_no_excluded_activities=True,
        accepts_global_compact=True,
    )
    return create_organisation(
        user, organisation, {"name": contact_name, "email": "contact@example.com"}
    )


# ---- The list ------------------------------------------------------------------------------


def test_the_published_xml_is_read_with_individuals_entities_and_aliases(sanctions_list):
    assert SanctionsEntry.objects.count() == 4
    petrov = SanctionsEntry.objects.get(data_id="6908001")
    assert petrov.kind == "individual"
    assert petrov.name == "IVAN SERGEYEVICH PETROV"
    assert petrov.reference_number == "KPi.901"
    assert petrov.original_script_name == "Иван Петров"
    assert petrov.aliases == ["Iwan Petrow"]  # the empty alias is dropped
    assert str(petrov.listed_on) == "2017-08-05"
    trust = SanctionsEntry.objects.get(reference_number="QDe.905")
    assert trust.kind == "entity"
    assert trust.names() == [
        "Al-Rashid Trust",
        "Al Rasheed Trust",
        "Aid Organisation of the Ulema",
    ]
    assert trust.list_generated_at.isoformat().startswith("2026-12-01T00:00:04")


def test_a_new_list_updates_entries_and_marks_the_missing_ones_delisted(sanctions_list, tmp_path):
    newer = SAMPLE.read_text().replace("<DATAID>6908102</DATAID>", "<DATAID>6908199</DATAID>")
    path = tmp_path / "newer.xml"
    path.write_text(newer)
    call_command("import_sanctions_list", str(path), "--no-screen")
    assert SanctionsEntry.objects.get(data_id="6908102").delisted_at is not None
    assert SanctionsEntry.objects.get(data_id="6908199").delisted_at is None
    assert SanctionsEntry.objects.filter(delisted_at__isnull=True).count() == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<CONSOLIDATED_LIST><INDIVIDUALS>", "Not well-formed XML"),
        ("<sanctions/>", "not <CONSOLIDATED_LIST>"),
        (
            "<CONSOLIDATED_LIST><ENTITIES><ENTITY><FIRST_NAME>X</FIRST_NAME></ENTITY>"
            "</ENTITIES></CONSOLIDATED_LIST>",
            "entity 1 has no DATAID",
        ),
        (
            "<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>1</DATAID><FIRST_NAME>X</FIRST_NAME>"
            "</ENTITY><ENTITY><DATAID>1</DATAID><FIRST_NAME>Y</FIRST_NAME></ENTITY>"
            "</ENTITIES></CONSOLIDATED_LIST>",
            "DATAID 1 appears twice",
        ),
        (
            '<!DOCTYPE x [<!ENTITY a "b">]><CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>',
            "cannot be read",
        ),
    ],
)
def test_a_malformed_file_is_refused_whole_and_changes_nothing(
    sanctions_list, tmp_path, content, message
):
    path = tmp_path / "bad.xml"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_sanctions_list", str(path))
    assert SanctionsEntry.objects.count() == 4
    assert SanctionsEntry.objects.filter(delisted_at__isnull=False).count() == 0


def test_parse_refuses_an_entry_with_a_bad_listing_date():
    from io import BytesIO

    xml = (
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>9</DATAID>"
        b"<FIRST_NAME>A</FIRST_NAME><LISTED_ON>soon</LISTED_ON></INDIVIDUAL></INDIVIDUALS>"
        b"</CONSOLIDATED_LIST>"
    )
    with pytest.raises(SanctionsListError, match="LISTED_ON 'soon' is not a date"):
        parse_consolidated_list(BytesIO(xml))


# ---- Matching ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation_name", "contact_name", "expected"),
    [
        # A transliterated alias: the list gives "Иван Петров" and "Iwan Petrow".
        ("Harmless Telecom SA", "Ivan Petrov", {"KPi.901"}),
        ("Harmless Telecom SA", "Iwan Petrow", {"KPi.901"}),
        ("Harmless Telecom SA", "Muhamad Abdul Kadiri", {"QDi.902"}),
        ("AlRashid Trust Ltd", "Ana Lopez", {"QDe.905"}),
        ("Ocean Maritime Management Co.", "Ana Lopez", {"KPe.906"}),
        # Near misses: sharing words with a listed name is not a match.
        ("Al Rashid Trading", "Ana Lopez", set()),
        ("Harmless Telecom SA", "Ivan Petrenko", set()),
        ("Harmless Telecom SA", "Mohammed Abdullah", set()),
    ],
)
def test_onboarding_screens_the_organisation_and_its_contact(
    sanctions_list, organisation_name, contact_name, expected
):
    organisation = _onboard(organisation_name, contact_name)
    found = set(organisation.screening_matches.values_list("entry__reference_number", flat=True))
    assert found == expected
    assert all(m.source == "onboarding" for m in organisation.screening_matches.all())


def test_a_new_signatory_contact_is_screened_when_saved(sanctions_list):
    organisation = make_organisation()
    save_contact(
        Contact(
            organisation=organisation,
            role=ContactRole.SIGNATORY,
            name="IVAN PETROV",
            email="ip@example.com",
        )
    )
    match = organisation.screening_matches.get()
    assert (match.subject, match.subject_name, match.source) == (
        "signatory",
        "IVAN PETROV",
        "contact",
    )


def test_a_member_is_screened_by_full_name(sanctions_list):
    member = make_user(first_name="Mohammed", last_name="Al-Qadiri Abdul")
    organisation = make_organisation(members=[member])
    result = screen_organisations(source="daily")
    assert result.organisations == 1
    assert organisation.screening_matches.get().subject == "member"


def test_rescans_add_only_new_matches_and_never_reopen_a_reviewed_one(sanctions_list, approver):
    organisation = _onboard("AlRashid Trust Ltd")
    match = organisation.screening_matches.get()
    review_match(match, approver, ScreeningOutcome.FALSE_POSITIVE, "A charity registered 2019.")
    assert screen_sponsors() == {"organisations": 1, "new_matches": 0}
    assert ScreeningMatch.objects.count() == 1
    match.refresh_from_db()
    assert match.outcome == ScreeningOutcome.FALSE_POSITIVE


def test_importing_the_list_screens_every_organisation(tmp_path):
    _onboard("Ocean Maritime Management Company Limited")  # no list yet: nothing found
    assert ScreeningMatch.objects.count() == 0
    out = _call("import_sanctions_list", str(SAMPLE))
    assert "4 entries (4 added, 0 updated, 0 delisted)" in out
    assert "Screened 1 organisations" in out and "1 new possible matches" in out
    assert ScreeningMatch.objects.get().source == "import"


def _call(*args):
    from io import StringIO

    stdout = StringIO()
    call_command(*args, stdout=stdout)
    return stdout.getvalue()


# ---- Decisions -----------------------------------------------------------------------------


def test_an_open_match_blocks_approval_until_reviewed_as_a_false_positive(sanctions_list, approver):
    organisation = _onboard("Harmless Telecom SA", "Ivan Petrov")
    for decision in (Clearance.CLEARED, Clearance.RESERVED):
        with pytest.raises(OrganisationError, match="awaits an approver's review"):
            decide_clearance(
                organisation, approver, decision, "ok", criteria=CHECKED, reservation="r"
            )
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.PENDING
    review_match(
        organisation.screening_matches.get(),
        approver,
        ScreeningOutcome.FALSE_POSITIVE,
        "Born 1990, not 1961; different passport.",
    )
    decide_clearance(organisation, approver, Clearance.CLEARED, "All checked.", criteria=CHECKED)
    organisation.refresh_from_db()
    assert organisation.is_cleared
    assert ClearanceDecision.objects.get(decision=Clearance.CLEARED).criteria_checked == CHECKED


def test_a_true_match_declines_the_organisation_without_telling_it(
    sanctions_list, approver, django_capture_on_commit_callbacks
):
    organisation = _onboard("AlRashid Trust Ltd")
    with django_capture_on_commit_callbacks(execute=True):
        review_match(
            organisation.screening_matches.get(),
            approver,
            ScreeningOutcome.TRUE_MATCH,
            "Same address as the listing.",
        )
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.DECLINED
    assert "QDe.905" in organisation.clearance_reason
    assert "Same address as the listing." in organisation.clearance_reason
    assert mail.outbox == []
    match = organisation.screening_matches.get()
    assert (match.reviewed_by, match.outcome) == (approver, ScreeningOutcome.TRUE_MATCH)
    with pytest.raises(OrganisationError, match="already been reviewed"):
        review_match(match, approver, ScreeningOutcome.FALSE_POSITIVE, "changed my mind")


@pytest.mark.parametrize(
    ("outcome", "reason", "message"),
    [("maybe", "x", "true match or false positive"), (ScreeningOutcome.TRUE_MATCH, " ", "reason")],
)
def test_a_review_needs_an_outcome_and_a_reason(sanctions_list, approver, outcome, reason, message):
    organisation = _onboard("AlRashid Trust Ltd")
    with pytest.raises(OrganisationError, match=message):
        review_match(organisation.screening_matches.get(), approver, outcome, reason)
    assert organisation.screening_matches.get().is_open


def test_approval_with_reservation_keeps_the_reservation(approver):
    organisation = make_organisation()
    with pytest.raises(OrganisationError, match="what the reservation is"):
        decide_clearance(organisation, approver, Clearance.RESERVED, "ok", criteria=CHECKED)
    decide_clearance(
        organisation,
        approver,
        Clearance.RESERVED,
        "Cleared for in-kind only.",
        criteria=CHECKED,
        reservation="No naming rights on the plenary.",
    )
    organisation.refresh_from_db()
    assert organisation.is_cleared and organisation.clearance == Clearance.RESERVED
    decision = organisation.clearance_decisions.get()
    assert decision.reservation == "No naming rights on the plenary."
    with pytest.raises(OrganisationError, match="Unknown exclusion criteria: bribes"):
        decide_clearance(organisation, approver, Clearance.DECLINED, "x", criteria=["bribes"])


# ---- Admin screens -------------------------------------------------------------------------


def test_approving_in_the_admin_needs_every_criterion_checked(client, approver):
    organisation = make_organisation()
    client.force_login(approver)
    url = reverse("sponsor_organisations:clear", args=[organisation.pk])
    partial = client.post(url, {"reason": "Looked.", "criteria": CHECKED[:1]})
    assert partial.status_code == 400
    assert "not checked: UN Global Marketplace ineligible vendors" in partial.content.decode()
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.PENDING
    done = client.post(url, {"reason": "Looked.", "criteria": CHECKED})
    assert done.status_code == 302
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.CLEARED
    reserve = reverse("sponsor_organisations:reserve", args=[organisation.pk])
    missing = client.post(reserve, {"reason": "Again.", "criteria": CHECKED})
    assert missing.status_code == 400
    client.post(reserve, {"reason": "Again.", "criteria": CHECKED, "reservation": "Cash only."})
    organisation.refresh_from_db()
    assert organisation.clearance == Clearance.RESERVED


def test_the_organisation_page_flags_the_match_and_hides_approval(client, sanctions_list, approver):
    organisation = _onboard("AlRashid Trust Ltd")
    client.force_login(approver)
    html = client.get(reverse("sponsor_organisations:inspect", args=[organisation.pk])).content
    html = html.decode()
    assert "resembles an entry of the UN Security Council sanctions list" in html
    assert reverse("sponsor_organisations:clear", args=[organisation.pk]) not in html
    assert reverse("sponsor_organisations:decline", args=[organisation.pk]) in html
    match = organisation.screening_matches.get()
    assert reverse("sponsor_organisations:review_match", args=[match.pk]) in html
    response = client.get(reverse("sponsor_organisations:clear", args=[organisation.pk]))
    assert response.status_code == 200  # the form; posting it is refused with the reason
    refused = client.post(
        reverse("sponsor_organisations:clear", args=[organisation.pk]),
        {"reason": "ok", "criteria": CHECKED},
    )
    assert refused.status_code == 400 and "awaits an approver" in refused.content.decode()


def test_an_approver_reviews_a_match_in_the_admin(client, sanctions_list, approver):
    organisation = _onboard("AlRashid Trust Ltd")
    match = organisation.screening_matches.get()
    client.force_login(approver)
    url = reverse("sponsor_organisations:review_match", args=[match.pk])
    page = client.get(url).content.decode()
    assert "Al Rasheed Trust" in page and "QDe.905" in page
    assert client.post(url, {"outcome": "false_positive", "reason": ""}).status_code == 400
    response = client.post(url, {"outcome": "false_positive", "reason": "Different founders."})
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.outcome, match.review_reason) == ("false_positive", "Different founders.")
    listing = client.get(reverse("screening_matches:index")).content.decode()
    assert "AlRashid Trust Ltd" in listing


def test_organisers_cannot_review_matches(client, sanctions_list):
    group = Group.objects.create(name=ORGANISERS)
    group.permissions.add(admin_access())
    organiser = make_user("organiser@bureau.example")
    organiser.groups.add(group)
    organisation = _onboard("AlRashid Trust Ltd")
    match = organisation.screening_matches.get()
    client.force_login(organiser)
    response = client.post(
        reverse("sponsor_organisations:review_match", args=[match.pk]),
        {"outcome": "false_positive", "reason": "mine"},
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # refused
    match.refresh_from_db()
    assert match.is_open


def test_the_sponsor_is_told_of_an_approval_with_reservation(
    approver, django_capture_on_commit_callbacks
):
    organisation = make_organisation()
    with django_capture_on_commit_callbacks(execute=True):
        decide_clearance(
            organisation,
            approver,
            Clearance.RESERVED,
            "Checked.",
            criteria=CHECKED,
            reservation="In-kind contributions only.",
        )
    (message,) = mail.outbox
    assert "is cleared to sponsor" in message.subject
    assert "with the reservation below" in message.body
    assert "In-kind contributions only." in message.body
    assert "not able to accept" not in message.body
    assert "In-kind contributions only." in message.alternatives[0][0]
