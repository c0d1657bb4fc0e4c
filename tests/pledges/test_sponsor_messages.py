"""Organisers write to the sponsors of their event (or of one package): one email per address
in the mail log, in the recipient's language when known; the message is recorded with who sent
it; refusals change nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

from events.editorial import ORGANISERS, ensure_editorial_setup, ensure_scope_permissions
from events.models import EventOrganiser
from marketplace.core.roles import ensure_roles
from marketplace.pledges import sponsor_messages
from marketplace.pledges.models import Pledge, SponsorMessage
from marketplace.pledges.sponsor_messages import (
    MessageAlreadySent,
    SponsorMessageError,
    send_sponsor_message,
)
from sponsors.models import Contact, ContactRole
from tests.factories import make_event, make_package, make_sponsor, make_terms, pledge_for
from worker.models import MailLog


@pytest.fixture
def organiser(tree, event, client):
    ensure_editorial_setup(tree[1])
    ensure_scope_permissions()
    ensure_roles()
    user = get_user_model().objects.create_user("olivia@example.org", "olivia@example.org", "pw")
    user.groups.add(Group.objects.get(name=ORGANISERS))
    EventOrganiser.objects.create(event=event, user=user)
    client.force_login(user)
    return user


def form_token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html)[1]


def paid(user_org, package):
    pledge = pledge_for(user_org, package)
    Pledge.objects.filter(pk=pledge.pk).update(status="paid")
    return pledge


@pytest.fixture
def sponsors(event, package, tree):
    """Acme (paid; its administrator reads French) with a primary contact, Borealis (paid),
    Held Co (held only) and Elsewhere (paid, another event)."""
    acme = make_sponsor("maya@acme.example", name="Acme")
    Contact.objects.create(organisation=acme[1], role=ContactRole.PRIMARY, name="Ada",
                           email="ada@acme.example")  # fmt: skip
    profile = UserProfile.get_for_user(acme[0])
    profile.preferred_language = "fr"
    profile.save()
    borealis = make_sponsor("bo@borealis.example", name="Borealis")
    paid(acme, package)
    paid(borealis, package)
    pledge_for(make_sponsor("hal@held.example", name="Held Co"), package)
    other = make_event(tree[1], title="Regional Forum", acronym="RF-26")
    make_terms(other)
    paid(make_sponsor("eve@elsewhere.example", name="Elsewhere"), make_package(other, title="Tea"))
    return acme, borealis


def test_the_organiser_writes_to_her_events_paid_sponsors(client, organiser, event, sponsors):
    form = client.get("/admin/sponsor-messages/write/").content.decode()
    assert "GSR-26" in form and "RF-26" not in form  # only her events are offered

    response = client.post(
        "/admin/sponsor-messages/write/",
        {"event": event.pk, "package": "", "audience": "paid", "subject": "Stand set-up",
         "body": "Stands open at 8:00 on the first day.", "form_token": form_token(form)},
    )  # fmt: skip
    message = SponsorMessage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/sponsor-messages/inspect/{message.pk}/"
    assert (message.sent_by, message.organisations, message.recipients) == (organiser, 2, 3)
    emails = {log.to: log for log in MailLog.objects.filter(key__startswith="sponsor-message:")}
    assert set(emails) == {"maya@acme.example", "ada@acme.example", "bo@borealis.example"}
    assert emails["maya@acme.example"].language == "fr"  # she chose French
    assert emails["bo@borealis.example"].language == "en"  # not known: the site's language
    assert emails["ada@acme.example"].organisation == sponsors[0][1]
    assert "Stands open at 8:00" in emails["bo@borealis.example"].body_text
    assert "GSR-26: Stand set-up" in emails["bo@borealis.example"].subject

    page = client.get(response["Location"]).content.decode()
    assert "3 recipients" in page and "maya@acme.example" in page


def test_every_sponsor_in_progress_too_and_one_package_only(organiser, event, package, sponsors):
    everyone = send_sponsor_message(event=event, audience="all", subject="Hello",
                                    body="Welcome.", actor=organiser)  # fmt: skip
    assert everyone.organisations == 3  # Held Co too
    dinner = make_package(event, title="Networking dinner")
    paid(make_sponsor("din@dine.example", name="Dine Co"), dinner)
    one = send_sponsor_message(event=event, package=dinner, subject="Dinner", body="At 19:00.",
                               actor=organiser)  # fmt: skip
    assert one.organisations == 1
    assert list(MailLog.objects.filter(key__startswith=one.mail_key_prefix).values_list(
        "to", flat=True)) == ["din@dine.example"]  # fmt: skip


def test_refusals_send_nothing(client, organiser, event, package, sponsors, tree):
    response = client.post(
        "/admin/sponsor-messages/write/",
        {"event": event.pk, "audience": "paid", "subject": " ", "body": "Text",
         "form_token": "t-refused"},
    )  # fmt: skip
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert 'value="t-refused"' in response.content.decode()  # the corrected form is the same one
    response = client.post(
        "/admin/sponsor-messages/write/",
        {"event": event.pk, "audience": "paid", "subject": "Hi", "body": "Text"},
    )  # a form without its token (tampered, or from an old page) sends nothing
    assert response.status_code == 200
    assert "no sending token: reload the page" in response.content.decode()
    other = make_event(tree[1], title="Other", acronym="OT-26")
    response = client.post(
        "/admin/sponsor-messages/write/",
        {"event": other.pk, "audience": "paid", "subject": "Hi", "body": "Text"},
    )
    assert response.status_code == 200  # not one of her events: not a valid choice
    with pytest.raises(SponsorMessageError, match="not a package of"):
        send_sponsor_message(event=event, package=make_package(other, title="Tea"),
                             subject="Hi", body="Text", actor=organiser)  # fmt: skip
    with pytest.raises(SponsorMessageError, match="No sponsor to write to"):
        send_sponsor_message(event=event, package=make_package(event, title="Empty"),
                             subject="Hi", body="Text", actor=organiser)  # fmt: skip
    with pytest.raises(SponsorMessageError, match="do not organise"):
        send_sponsor_message(event=other, subject="Hi", body="Text", actor=organiser)
    assert not SponsorMessage.objects.exists()
    assert not MailLog.objects.filter(key__startswith="sponsor-message:").exists()


def test_a_second_submit_of_the_same_form_sends_nothing(client, organiser, event, sponsors):
    """Double click or reload of the POST: the second submit finds the first message, sends
    nothing and says so. (Without the token check this test sends 6 emails, not 3.)"""
    page = client.get("/admin/sponsor-messages/write/").content.decode()
    fields = {"event": event.pk, "package": "", "audience": "paid", "subject": "Badges",
              "body": "Collect your badges at desk B.", "form_token": form_token(page)}  # fmt: skip
    first = client.post("/admin/sponsor-messages/write/", fields)
    again = client.post("/admin/sponsor-messages/write/", fields, follow=True)

    message = SponsorMessage.objects.get()
    assert first["Location"] == f"/admin/sponsor-messages/inspect/{message.pk}/"
    assert again.redirect_chain == [(first["Location"], 302)]
    assert "This form was sent already" in again.content.decode()
    sent = MailLog.objects.filter(key__startswith="sponsor-message:").values_list("to", flat=True)
    assert sorted(sent) == ["ada@acme.example", "bo@borealis.example", "maya@acme.example"]
    # A fresh form (a new page) is a new message.
    fresh = client.get("/admin/sponsor-messages/write/").content.decode()
    assert form_token(fresh) != fields["form_token"]
    client.post("/admin/sponsor-messages/write/", {**fields, "form_token": form_token(fresh)})
    assert SponsorMessage.objects.count() == 2


def test_the_same_token_twice_raises_with_the_first_message(organiser, event, sponsors):
    first = send_sponsor_message(event=event, subject="Hi", body="Text", actor=organiser,
                                 form_token="tok-1")  # fmt: skip
    with pytest.raises(MessageAlreadySent) as repeat:
        send_sponsor_message(event=event, subject="Other", body="Other text", actor=organiser,
                             form_token="tok-1")  # fmt: skip
    assert repeat.value.first == first
    assert SponsorMessage.objects.count() == 1
    assert MailLog.objects.filter(key__startswith="sponsor-message:").count() == 3
    # Calls without a token (scripts, the demo) are not deduplicated.
    send_sponsor_message(event=event, subject="Hi", body="Text", actor=organiser)
    send_sponsor_message(event=event, subject="Hi", body="Text", actor=organiser)
    assert SponsorMessage.objects.count() == 3


def test_a_simultaneous_repeat_loses_on_the_unique_token(organiser, event, sponsors, monkeypatch):
    """The other request commits its message between this one's check and its insert: the
    unique token refuses the insert, and this request sends nothing."""
    rival = {}
    real = sponsor_messages.chosen_languages

    def the_other_request_commits_first(addresses):
        rival["message"] = SponsorMessage.objects.create(
            event=event, subject="Hi", body="Text", sent_by=organiser, form_token="tok-race"
        )
        return real(addresses)

    monkeypatch.setattr(sponsor_messages, "chosen_languages", the_other_request_commits_first)
    with pytest.raises(MessageAlreadySent) as repeat:
        send_sponsor_message(event=event, subject="Hi", body="Text", actor=organiser,
                             form_token="tok-race")  # fmt: skip
    assert repeat.value.first == rival["message"]
    assert SponsorMessage.objects.count() == 1
    assert not MailLog.objects.filter(key__startswith="sponsor-message:").exists()
