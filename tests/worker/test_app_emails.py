"""The pledges' and sponsors' emails go through the mail log: linked to their pledge or
organisation, with text and HTML parts, once per change."""

import pytest
from django.core import mail

from marketplace.pledges import mail as pledge_mail
from sponsors import invitations
from sponsors.services import clear_organisation
from tests.factories import make_organisation, make_user
from worker.models import MailLog, MailStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(tree, on_commit):
    from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for

    event = make_event(tree[1])
    make_terms(event)
    with on_commit():
        return pledge_for(make_sponsor(name="Acme"), make_package(event, price="10.00"))


def test_a_pledge_email_is_logged_against_the_pledge_and_its_organisation(pledge):
    log = MailLog.objects.get()
    assert (log.pledge, log.organisation) == (pledge, pledge.organisation)
    assert log.template == "pledges/email/message"
    assert log.status == MailStatus.SENT
    assert log.subject == f"[Sponsorship] Pledge {pledge.reference} received"
    assert pledge.reference in log.body_text and pledge.reference in log.body_html
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_the_same_pledge_change_is_emailed_once(pledge, on_commit):
    with on_commit():
        pledge_mail.notify(pledge, "held")  # a rerun for the same change
    assert MailLog.objects.count() == 1 and len(mail.outbox) == 1


def test_an_invitation_is_logged_against_the_organisation(on_commit):
    admin = make_user("boss@acme.example")
    organisation = make_organisation(admin)
    with on_commit():
        invitation = invitations.invite(organisation, admin, "new@acme.example")
    log = MailLog.objects.get()
    assert (log.organisation, log.to) == (organisation, "new@acme.example")
    assert log.key == f"sponsor-invitation:{invitation.pk}"
    # The log never holds the link (staff read it); the invitee's email does.
    assert invitation.token not in log.body_text and invitation.token not in log.body_html
    assert log.status == MailStatus.SENT and len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body


def test_a_clearance_decision_is_logged_against_the_organisation(on_commit):
    organiser = make_user("organiser@bureau.example")
    organisation = make_organisation()
    with on_commit():
        clear_organisation(organisation, organiser, "Checked the registry & the press.")
    log = MailLog.objects.get()
    assert log.organisation == organisation and log.template == "sponsors/email/clearance_decision"
    assert "Checked the registry & the press." in log.body_text
    assert "Checked the registry &amp; the press." in log.body_html
