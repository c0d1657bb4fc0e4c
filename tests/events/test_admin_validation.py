"""The admin refuses impossible catalogue data with a message on the field."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from events.models import EventPage, SponsorshipPackagePage
from tests.factories import make_event


@pytest.fixture
def admin_client(client, tree):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-123456789")
    client.force_login(user)
    return client


def _package(**overrides):
    data = {
        "title": "Coffee break",
        "slug": "coffee",
        "category": "social_event",
        "price": "8000",
        "capacity": "4",
        "max_per_sponsor": "1",
        "summary": "",
        "description": streamfield([]),
        "benefits": inline_formset(
            [
                {
                    "kind": "banner_venue",
                    "quantity": "1",
                    "days_before_event": "14",
                    "description": "",
                }
            ]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


def _create_package(client, event, data):
    url = reverse("wagtailadmin_pages:add", args=["events", "sponsorshippackagepage", event.pk])
    return client.post(url, {**data, "action-publish": "Publish"})


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price": "-1"}, "price", "The price cannot be negative."),
        ({"capacity": "0"}, "capacity", "Capacity must be at least 1."),
        ({"capacity": "2", "max_per_sponsor": "3"}, "max_per_sponsor", "cannot exceed"),
    ],
)
def test_package_form_rejects_bad_numbers(admin_client, overrides, field, message):
    event = make_event()
    response = _create_package(admin_client, event, _package(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert not SponsorshipPackagePage.objects.filter(slug="coffee").exists()


def test_package_form_rejects_a_benefit_due_after_the_event(admin_client):
    event = make_event()
    data = _package(
        benefits=inline_formset(
            [
                {
                    "kind": "banner_venue",
                    "quantity": "1",
                    "days_before_event": "-3",
                    "description": "",
                }
            ]
        )
    )
    response = _create_package(admin_client, event, data)
    assert response.status_code == 200
    formset = response.context["form"].formsets["benefits"]
    assert "before the event starts" in str(formset.errors)
    assert not SponsorshipPackagePage.objects.filter(slug="coffee").exists()


def test_valid_package_is_created(admin_client):
    event = make_event()
    response = _create_package(admin_client, event, _package())
    assert response.status_code == 302
    package = SponsorshipPackagePage.objects.get(slug="coffee")
    assert package.live and package.benefits.count() == 1


def test_event_form_rejects_deadline_after_the_event_ends(admin_client, tree):
    event = make_event(tree[1])
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])
    data = nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "acronym": event.acronym,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "city": "Geneva",
            "country": "CH",
            "venue": "",
            "region": "GLO",
            "currency": "CHF",
            "sponsorship_deadline": (
                event.end_date.replace(year=event.end_date.year + 1)
            ).isoformat(),
            "card_hold_minutes": "30",
            "bank_transfer_hold_days": "14",
            "organiser_name": "Team",
            "organiser_email": "team@example.org",
            "summary": "",
            "body": streamfield([]),
            "organisers": inline_formset([]),
        }
    )
    response = admin_client.post(url, {**data, "action-publish": "Publish"})
    assert response.status_code == 200
    assert "on or before the event's last day" in " ".join(
        response.context["form"].errors["sponsorship_deadline"]
    )
    event.refresh_from_db()
    assert EventPage.objects.get(pk=event.pk).sponsorship_deadline < event.end_date
