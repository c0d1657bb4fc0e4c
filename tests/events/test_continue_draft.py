"""A second "create" under the slug of the editor's own autosaved draft continues that draft."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from events.drafts import CONTINUE_PARAMETER
from events.models import SponsorshipPackagePage
from tests.factories import make_event


def _editor(email):
    return get_user_model().objects.create_superuser(email, email, "pw-123456789")


def _package(price, benefits):
    return nested_form_data(
        {
            "title": "Gold partner",
            "slug": "gold-partner",
            "category": "headline",
            "price": price,
            "capacity": "",
            "max_per_sponsor": "1",
            "summary": "",
            "description": streamfield([]),
            "benefits": inline_formset(
                [
                    {"kind": kind, "quantity": "1", "days_before_event": "14", "description": ""}
                    for kind in benefits
                ]
            ),
        }
    )


def _add_url(event):
    return reverse("wagtailadmin_pages:add", args=["events", "sponsorshippackagepage", event.pk])


def _autosave(client, event, data):
    """What Wagtail's autosave sends: the create form as JSON, saved as a draft."""
    return client.post(_add_url(event), data, headers={"accept": "application/json"})


@pytest.fixture
def event(tree):
    return make_event()


def test_a_second_create_form_continues_the_autosaved_draft(client, event):
    editor = _editor("olivia@example.org")
    client.force_login(editor)
    first = _autosave(client, event, _package("1000", ["banner_venue"]))
    assert first.status_code == 200 and first.json()["success"]
    draft = SponsorshipPackagePage.objects.get(slug="gold-partner")

    response = client.post(
        _add_url(event), {**_package("25000", ["banner_venue", "logo_website"]), "action-save": "1"}
    )

    assert response.status_code == 307
    edit_url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert response["Location"] == f"{edit_url}?{CONTINUE_PARAMETER}=1"
    # The browser repeats the POST at the new address, as a 307 asks.
    saved = client.post(
        response["Location"],
        {**_package("25000", ["banner_venue", "logo_website"]), "action-save": "1"},
        follow=True,
    )
    assert saved.status_code == 200
    assert "what you submitted now was saved to it" in saved.content.decode()
    assert SponsorshipPackagePage.objects.filter(slug="gold-partner").count() == 1
    latest = SponsorshipPackagePage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert latest.price == Decimal("25000")
    # The form lists every benefit anew: the draft's banner is not kept beside it a second time.
    assert sorted(b.kind for b in latest.benefits.all()) == ["banner_venue", "logo_website"]


def test_an_invalid_continuation_changes_nothing(client, event):
    client.force_login(_editor("olivia@example.org"))
    _autosave(client, event, _package("1000", ["banner_venue"]))
    draft = SponsorshipPackagePage.objects.get(slug="gold-partner")
    revisions = draft.revisions.count()

    response = client.post(
        f"{reverse('wagtailadmin_pages:edit', args=[draft.pk])}?{CONTINUE_PARAMETER}=1",
        {**_package("-5", []), "action-save": "1"},
    )

    assert response.status_code == 200
    assert "The price cannot be negative." in " ".join(response.context["form"].errors["price"])
    assert draft.revisions.count() == revisions
    latest = SponsorshipPackagePage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert [b.kind for b in latest.benefits.all()] == ["banner_venue"]


def test_a_second_autosave_pauses_with_a_reason_instead_of_creating_a_twin(client, event):
    client.force_login(_editor("olivia@example.org"))
    _autosave(client, event, _package("1000", []))

    second = _autosave(client, event, _package("2000", []))

    assert second.status_code == 400
    assert second.json()["error_code"] == "own_draft_exists"
    assert SponsorshipPackagePage.objects.filter(slug="gold-partner").count() == 1


def test_a_colleagues_draft_keeps_its_slug_refused(client, event):
    client.force_login(_editor("olivia@example.org"))
    _autosave(client, event, _package("1000", []))
    client.force_login(_editor("sam@example.org"))

    response = client.post(_add_url(event), {**_package("2000", []), "action-save": "1"})

    assert response.status_code == 200
    assert "already in use" in " ".join(response.context["form"].errors["slug"])
    assert SponsorshipPackagePage.objects.filter(slug="gold-partner").count() == 1


def test_a_page_that_was_published_is_never_continued(client, event):
    client.force_login(_editor("olivia@example.org"))
    client.post(_add_url(event), {**_package("1000", []), "action-publish": "1"})
    package = SponsorshipPackagePage.objects.get(slug="gold-partner")
    package.unpublish()

    response = client.post(_add_url(event), {**_package("2000", []), "action-save": "1"})

    assert response.status_code == 200
    assert "already in use" in " ".join(response.context["form"].errors["slug"])
