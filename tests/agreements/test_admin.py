"""The agreements admin: listing filtered by state and event, an agreement with its history,
new versions and voiding, the PDFs, the clause snippets and the policies per event."""

from marketplace.agreements.models import Agreement, AgreementPolicy, StandardClause
from marketplace.agreements.permissions import ensure_agreements_setup, ensure_demo_clauses
from tests.agreements.conftest import agreement_mails, pay
from tests.factories import make_event, make_package, make_terms, pledge_for
from tests.pdf import pdf_text


def test_listing_filters_by_state_and_event(
    sent_agreement, approver, client, tree, other_sponsor, on_commit
):
    other_event = make_event(tree[1], title="Regional forum", acronym="RF-26", slug="rf-26")
    make_terms(other_event)
    elsewhere = pledge_for(other_sponsor, make_package(other_event, title="Coffee"))
    with on_commit():
        pay(elsewhere, "B-9")
    other = Agreement.objects.get(pledge=elsewhere)
    Agreement.objects.filter(pk=other.pk).update(status="signed_by_sponsor")

    html = client.get("/admin/agreements/").content.decode()
    assert sent_agreement.number in html and other.number in html
    html = client.get("/admin/agreements/?status=sent").content.decode()
    assert sent_agreement.number in html and other.number not in html
    html = client.get(f"/admin/agreements/?event={other_event.pk}").content.decode()
    assert sent_agreement.number not in html and other.number in html
    html = client.get("/admin/agreements/?q=Borealis").content.decode()
    assert sent_agreement.number not in html and other.number in html


def test_inspect_shows_history_actions_and_the_pdf(sent_agreement, approver, client):
    html = client.get(f"/admin/agreements/inspect/{sent_agreement.pk}/").content.decode()
    assert "Emailed to the sponsor" in html and "fifty thousand Swiss francs" in html
    assert f"/admin/agreements/new-version/{sent_agreement.pk}/" in html
    assert f"/admin/agreements/void/{sent_agreement.pk}/" in html
    assert "/countersign/" not in html  # the sponsor has not signed
    pdf = client.get(f"/admin/agreements/pdf/{sent_agreement.pk}/signed/")
    assert pdf.status_code == 200 and b"".join(pdf) == sent_agreement.pdf.open("rb").read()
    assert client.get(f"/admin/agreements/pdf/{sent_agreement.pk}/executed/").status_code == 404


def test_issue_new_version_voids_the_current_one_and_sends_version_2_with_the_same_number(
    sent_agreement, approver, client, on_commit, mailoutbox, sponsor, clauses
):
    organisation = sponsor[1]
    organisation.billing_address = "2 Quai Wilson\n1201 Geneva"
    organisation.save()
    clauses[0].body = "Amended clause text."
    clauses[0].save()
    with on_commit():
        response = client.post(
            f"/admin/agreements/new-version/{sent_agreement.pk}/", {"reason": "New address."}
        )
    assert response.status_code == 302
    old = Agreement.objects.get(pk=sent_agreement.pk)
    new = Agreement.objects.get(pledge=old.pledge, version=2)
    assert old.status == "void" and old.voided_at is not None
    assert old.history.last().reason == "New address." and old.history.last().actor == approver
    assert (new.number, new.status, new.label) == (old.number, "sent", f"{old.number} v2")
    assert new.sha256 and new.sha256 != old.sha256
    text = new.pdf.open("rb").read()

    words = " ".join(pdf_text(text).split())
    assert "2 Quai Wilson" in words and "Amended clause text." in words
    assert f"replaces {old.number}" in words
    [mail] = agreement_mails(mailoutbox, "new version")
    assert mail.attachments[0][0] == f"{old.number}-v2.pdf"
    # The old version's page now points to the new one; the pledge shows version 2.
    client.force_login(sponsor[0])
    html = client.get(f"/account/pledges/{old.pledge.public_id}/").content.decode()
    assert f"{old.number} v2" in html and "Earlier versions" in html


def test_an_executed_agreement_cannot_be_replaced_or_voided(sent_agreement, approver, client):
    Agreement.objects.filter(pk=sent_agreement.pk).update(status="executed")
    response = client.post(f"/admin/agreements/new-version/{sent_agreement.pk}/", {"reason": ""})
    assert response.status_code == 200 and "addendum" in response.content.decode()
    response = client.post(f"/admin/agreements/void/{sent_agreement.pk}/", {"reason": "Off"})
    assert "cannot be voided" in response.content.decode()
    assert Agreement.objects.count() == 1
    assert Agreement.objects.get().status == "executed"


def test_voiding_needs_a_reason_and_keeps_it(sent_agreement, approver, client):
    response = client.post(f"/admin/agreements/void/{sent_agreement.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert Agreement.objects.get().status == "sent"
    client.post(f"/admin/agreements/void/{sent_agreement.pk}/", {"reason": "Sponsor withdrew."})
    agreement = Agreement.objects.get()
    assert agreement.status == "void" and agreement.history.last().reason == "Sponsor withdrew."


def test_organisers_edit_clauses_as_snippets_and_policies_per_event(organiser, client, event):
    assert client.get("/admin/snippets/agreements/standardclause/").status_code == 200
    response = client.post(
        "/admin/snippets/agreements/standardclause/add/",
        {"title": "Governing terms", "body": "These terms govern.", "order": 5, "active": "on"},
    )
    assert response.status_code == 302
    assert StandardClause.objects.get().title == "Governing terms"
    response = client.post(
        "/admin/agreement-policies/new/",
        {"event": event.pk, "issue_on": "approval", "unsigned_reminder_days": 3},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = AgreementPolicy.objects.get()
    assert (policy.issue_on, policy.unsigned_reminder_days) == ("approval", 3)


def test_setup_is_idempotent(db, tree):
    from django.contrib.auth.models import Group

    from events.editorial import APPROVERS, ORGANISERS, ensure_editorial_setup

    ensure_editorial_setup(tree[1])
    ensure_agreements_setup()
    ensure_agreements_setup()

    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert {"view_agreement", "change_standardclause"} <= codenames(ORGANISERS)
    assert not {"countersign_agreement", "reissue_agreement"} & codenames(ORGANISERS)
    assert {"countersign_agreement", "reissue_agreement", "change_standardclause"} <= codenames(
        APPROVERS
    )
    assert StandardClause.objects.count() == 4
    assert ensure_demo_clauses() == 0
