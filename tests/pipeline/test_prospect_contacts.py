"""A prospect known only by its new name (neither a register partner nor in the marketplace)
has its contacts and its interactions log too, and its next actions are reminded; a contact
or interaction names exactly one organisation, and a known one where it is known."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from register.pipeline import reminders
from register.pipeline.models import Interaction, PartnerContact, Prospect
from tests.pipeline.conftest import partner, prospect_for
from worker.models import MailLog

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 5, 4)


@pytest.fixture
def newco(db):
    return prospect_for("Nordic Digital Fund")


def test_a_contact_of_a_new_name_prospect_is_valid_and_named_after_it(newco):
    contact = PartnerContact(prospect=newco, name="Ingrid Berg", email="ingrid@nordic.example")
    contact.full_clean()
    contact.save()
    assert contact.organisation_name == "Nordic Digital Fund"
    assert list(newco.contacts.all()) == [contact]


def test_a_known_prospect_is_refused_and_one_organisation_only(newco):
    orbit = partner("Orbit Networks")
    known = prospect_for(orbit)
    with pytest.raises(ValidationError) as refused:
        PartnerContact(prospect=known, name="A Person").full_clean()
    assert (
        "This prospect is a register partner or a marketplace organisation: choose it there."
        in refused.value.message_dict["prospect"]
    )
    with pytest.raises(ValidationError) as two:
        PartnerContact(prospect=newco, partner=orbit, name="A Person").full_clean()
    assert "Choose only one" in two.value.message_dict["partner"][0]
    with pytest.raises(ValidationError) as none:
        PartnerContact(name="A Person").full_clean()
    assert none.value.message_dict["partner"] == [
        "Choose a register partner, a marketplace organisation or a new prospect."
    ]
    assert not PartnerContact.objects.exists()


def test_the_admin_adds_a_contact_to_a_new_prospect_and_offers_only_new_names(client, owner, newco):
    prospect_for(partner("Orbit Networks"))
    client.force_login(owner)
    url = reverse("wagtailsnippets_pipeline_partnercontact:add")
    form = client.get(url).context["form"]
    assert list(form.fields["prospect"].queryset) == [newco]
    response = client.post(
        url,
        {
            "partner": "",
            "organisation": "",
            "prospect": str(newco.pk),
            "name": "Ingrid Berg",
            "title": "Programme officer",
            "email": "ingrid@nordic.example",
            "phone": "",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    contact = PartnerContact.objects.get()
    assert (contact.prospect, contact.name) == (newco, "Ingrid Berg")
    listing = client.get(reverse("wagtailsnippets_pipeline_partnercontact:list")).content.decode()
    assert "Nordic Digital Fund" in listing


def test_an_interaction_with_a_new_prospect_is_logged_and_its_next_action_reminded(
    owner, newco, django_capture_on_commit_callbacks
):
    interaction = Interaction(
        prospect=newco,
        kind="call",
        happened_on=TODAY - datetime.timedelta(days=7),
        staff=owner,
        summary="First call: interested in e-waste.",
        next_action="Send the concept note",
        next_action_on=TODAY,
    )
    interaction.full_clean()
    interaction.save()
    assert list(newco.interactions.all()) == [interaction]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_next_action_reminders(TODAY) == 1
    log = MailLog.objects.get(template="pipeline/email/next_action")
    assert log.subject.endswith("Next action due: Send the concept note (Nordic Digital Fund)")
    assert log.to == "bea@example.org"


def test_deleting_a_new_prospect_deletes_its_contacts_and_interactions(owner, newco):
    PartnerContact.objects.create(prospect=newco, name="Ingrid Berg")
    Interaction.objects.create(
        prospect=newco, kind="note", happened_on=TODAY, staff=owner, summary="Met at WSIS."
    )
    Prospect.objects.filter(pk=newco.pk).delete()
    assert not PartnerContact.objects.exists() and not Interaction.objects.exists()
