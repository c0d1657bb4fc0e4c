"""Issuing: a paid pledge's agreement is rendered, kept with its SHA-256 and emailed to the
signatory once, whatever runs twice; the hook is in the transaction that pays the pledge."""

import hashlib

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.agreements import services
from marketplace.agreements.models import Agreement, AgreementPolicy, IssueOn, PackageClause
from marketplace.agreements.scheduling import issue_key
from marketplace.pledges.services import approve, cancel
from marketplace.pledges.states import PledgeState
from sponsors.models import Clearance
from tests.agreements.conftest import SIGNATORY_EMAIL, agreement_mails, pay
from tests.pdf import pdf_text
from worker.app import app
from worker.models import MailLog, OutboxMessage

YEAR = timezone.localdate().year


def test_paying_a_pledge_issues_its_agreement_emailed_to_the_signatory_with_the_pdf(
    pledge, clauses, on_commit, mailoutbox
):
    with on_commit():
        pay(pledge)
    agreement = Agreement.objects.get()
    assert (agreement.number, agreement.version, agreement.status) == (
        f"AGR-{YEAR}-00001",
        1,
        "sent",
    )
    assert agreement.pdf.name == f"agreements/{YEAR}/AGR-{YEAR}-00001-v1.pdf"
    stored = agreement.pdf.open("rb").read()
    assert stored.startswith(b"%PDF-")
    assert agreement.sha256 == hashlib.sha256(stored).hexdigest()
    assert agreement.sent_at is not None
    assert [e.to_state for e in agreement.history.all()] == ["draft", "sent"]

    [mail] = agreement_mails(mailoutbox)
    assert mail.to == [SIGNATORY_EMAIL]
    assert mail.subject == f"[Sponsorship] Sponsorship agreement AGR-{YEAR}-00001 to sign"
    name, content, mimetype = mail.attachments[0]
    assert (name, mimetype) == (f"AGR-{YEAR}-00001-v1.pdf", "application/pdf")
    assert hashlib.sha256(content).hexdigest() == agreement.sha256
    html = mail.alternatives[0][0]
    assert f"/account/agreements/{agreement.public_id}/" in mail.body
    assert "fifty thousand Swiss francs" in mail.body and "fifty thousand Swiss francs" in html


def test_the_pdf_shows_parties_event_benefits_amounts_in_figures_and_words_and_clauses(
    pledge, clauses, package, on_commit
):
    PackageClause.objects.create(
        package=package, title="Exclusivity", body="No competitor at the same tier."
    )
    with on_commit():
        pay(pledge)
    agreement = Agreement.objects.get()
    text = " ".join(pdf_text(agreement.pdf.open("rb").read()).split())
    for expected in (
        f"AGR-{YEAR}-00001",
        "Sponsorship agreement",
        "Acme Corporation SA",
        "1 Rue du Rhône",
        "Ada Lovelace",
        "Global Symposium for Regulators",
        "Gold sponsor",
        "Logo on website",
        "Complimentary passes",
        "CHF 50,000.00",
        "fifty thousand Swiss francs",
        pledge.reference,
        "RCPT-",  # paid: the payment terms name the receipt
        "No endorsement",
        "Exclusivity",
    ):
        assert expected in text, expected
    assert "Retired." not in text  # inactive clause
    due = pledge.benefits[1]["due_date"]
    assert due in text  # benefit deadlines from the pledge's snapshot


def test_running_the_task_twice_gives_one_version_and_one_email(pledge, on_commit, mailoutbox):
    with on_commit():
        pay(pledge)
    task = app.tasks["marketplace.agreements.tasks.issue_agreement"]
    with on_commit():
        task.apply(args=[pledge.pk, 1])
        task.apply(args=[pledge.pk, 1])
    assert Agreement.objects.count() == 1
    assert len(agreement_mails(mailoutbox, "to sign")) == 1
    assert MailLog.objects.filter(key__startswith="agreement:").count() == 1


def test_a_failed_render_leaves_the_numbered_draft_and_the_retry_finishes_it(
    pledge, on_commit, mailoutbox, monkeypatch
):
    calls = []
    real = services.rendering.render_agreement

    def flaky(content):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk hiccup")  # transient: the task retries
        return real(content)

    monkeypatch.setattr(services.rendering, "render_agreement", flaky)
    with on_commit():
        pay(pledge)
    agreement = Agreement.objects.get()
    assert len(calls) == 2 and agreement.status == "sent"
    assert agreement.number == f"AGR-{YEAR}-00001"  # the retry kept the draft's number
    assert len(agreement_mails(mailoutbox, "to sign")) == 1


def test_the_task_is_in_the_outbox_of_the_transaction_that_pays(pledge):
    """No after-commit signal needed: the outbox row commits (or rolls back) with the payment."""
    with transaction.atomic():
        pay(pledge)
        assert OutboxMessage.objects.filter(key=issue_key(pledge.pk, 1)).exists()
    assert OutboxMessage.objects.get(key=issue_key(pledge.pk, 1)).task_name == (
        "marketplace.agreements.tasks.issue_agreement"
    )


def test_a_rolled_back_payment_queues_no_agreement(pledge):
    with pytest.raises(RuntimeError), transaction.atomic():
        pay(pledge)
        raise RuntimeError("crash before commit")
    assert not OutboxMessage.objects.filter(key=issue_key(pledge.pk, 1)).exists()
    assert not Agreement.objects.exists()


def test_a_pledge_no_longer_paid_or_approved_gets_no_agreement(pledge, sponsor):
    cancel(pledge, actor=sponsor[0], by_sponsor=True)
    assert services.issue_agreement(pledge.pk, 1) is None
    assert not Agreement.objects.exists()


@pytest.fixture
def approval_package(event):
    from tests.factories import make_package

    return make_package(
        event, title="Networking dinner", slug="dinner", price="20000.00", requires_approval=True
    )


def _approved_pledge(sponsor, package, method, on_commit):
    from tests.factories import pledge_for

    sponsor[1].clearance = Clearance.CLEARED
    sponsor[1].save()
    pledge = pledge_for(sponsor, package, payment_method=method)
    assert pledge.status == PledgeState.AWAITING_APPROVAL
    with on_commit():
        approve(pledge, actor=None)
    return pledge


def test_an_approval_policy_issues_an_invoiced_pledges_agreement_on_approval(
    event, sponsor, approval_package, on_commit, mailoutbox
):
    AgreementPolicy.objects.create(event=event, issue_on=IssueOn.APPROVAL)
    pledge = _approved_pledge(sponsor, approval_package, "bank_transfer", on_commit)
    agreement = Agreement.objects.get(pledge=pledge)
    assert agreement.status == "sent"
    text = pdf_text(agreement.pdf.open("rb").read())
    assert "by bank transfer" in text and "twenty thousand Swiss francs" in text
    # Paying later issues nothing more: same outbox key, same version.
    with on_commit():
        pay(pledge)
    assert Agreement.objects.filter(pledge=pledge).count() == 1
    assert len(agreement_mails(mailoutbox, "to sign")) == 1


def test_an_approval_policy_leaves_card_pledges_to_payment(
    event, sponsor, approval_package, on_commit
):
    AgreementPolicy.objects.create(event=event, issue_on=IssueOn.APPROVAL)
    _approved_pledge(sponsor, approval_package, "card", on_commit)
    assert not Agreement.objects.exists()


def test_the_default_policy_issues_nothing_on_approval(event, sponsor, approval_package, on_commit):
    pledge = _approved_pledge(sponsor, approval_package, "bank_transfer", on_commit)
    assert not Agreement.objects.exists()
    assert not OutboxMessage.objects.filter(key=issue_key(pledge.pk, 1)).exists()
    with on_commit():
        pay(pledge)
    assert Agreement.objects.get(pledge=pledge).status == "sent"


def test_an_issued_version_keeps_its_text_when_clauses_change(pledge, clauses, on_commit):
    with on_commit():
        pay(pledge)
    agreement = Agreement.objects.get()
    clauses[0].body = "Rewritten after issue."
    clauses[0].save()
    agreement.refresh_from_db()
    assert agreement.content["clauses"][0]["body"] == "No endorsement implied."
    assert "Rewritten" not in pdf_text(agreement.pdf.open("rb").read())


def test_agreement_numbers_follow_one_gap_free_sequence(package, sponsor, other_sponsor, on_commit):
    from tests.factories import pledge_for

    first = pledge_for(sponsor, package)
    second = pledge_for(other_sponsor, package)
    with on_commit():
        pay(first, "B-1")
        pay(second, "B-2")
    numbers = sorted(Agreement.objects.values_list("number", flat=True))
    assert numbers == [f"AGR-{YEAR}-00001", f"AGR-{YEAR}-00002"]
