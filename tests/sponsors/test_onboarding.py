"""Registering a sponsor organisation after sign-up: what is created, and bad input refused
with clear messages and nothing created."""

import pytest
from django.urls import reverse

from sponsors.membership import onboarding_missing
from sponsors.models import Clearance, ContactRole, MemberRole, Membership, Organisation
from tests.factories import make_user
from tests.sponsors.images import raster, svg

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "org-legal_name": "Globex Telecom AG",
        "org-display_name": "Globex",
        "org-country": "DE",
        "org-category": "private_sector",
        "org-website": "globex.example",
        "org-billing_address": "Hauptstrasse 1\nBerlin",
        "org-tax_id": "DE123456789",
        "org-declares_no_excluded_activities": "on",
        "org-accepts_global_compact": "on",
        "contact-name": "Hana Globex",
        "contact-email": "hana@globex.example",
        "contact-phone": "+49 30 000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def newcomer(client):
    user = make_user("hana@globex.example", first_name="Hana", last_name="Globex")
    client.force_login(user)
    return user


def test_a_new_sponsor_is_sent_to_onboarding_with_their_details_prefilled(client, newcomer):
    assert client.get(reverse("sponsors:dashboard"))["Location"] == reverse("sponsors:onboarding")
    html = client.get(reverse("sponsors:onboarding")).content.decode()
    assert 'value="Hana Globex"' in html
    assert 'value="hana@globex.example"' in html


def test_onboarding_creates_the_organisation_its_admin_and_primary_contact(client, newcomer):
    response = client.post(reverse("sponsors:onboarding"), form_data(**{"org-logo": raster("PNG")}))
    assert response["Location"] == reverse("sponsors:dashboard")
    organisation = Organisation.objects.get()
    assert organisation.legal_name == "Globex Telecom AG"
    assert organisation.website == "https://globex.example"
    assert organisation.clearance == Clearance.PENDING
    assert organisation.declared_at is not None
    assert organisation.logo.name.endswith(".png")
    assert organisation.logo.name.startswith(f"logos/{organisation.public_id}/")
    assert Membership.objects.get(user=newcomer).role == MemberRole.ADMIN
    contact = organisation.contact_for(ContactRole.FINANCE)  # falls back to the primary
    assert (contact.role, contact.email) == (ContactRole.PRIMARY, "hana@globex.example")
    assert onboarding_missing(newcomer, organisation) == []
    dashboard = client.get(reverse("sponsors:dashboard")).content.decode()
    assert "Globex" in dashboard and "/account/pledges/" in dashboard


def test_an_svg_logo_is_stored_sanitised(client, newcomer):
    client.post(
        reverse("sponsors:onboarding"),
        form_data(**{"org-logo": svg("<script>alert(1)</script><rect width='9' height='9'/>")}),
    )
    logo = Organisation.objects.get().logo
    content = logo.read().decode()
    assert logo.name.endswith(".svg")
    assert "<rect" in content and "script" not in content


BAD_INPUT = {
    "missing legal name": ({"org-legal_name": ""}, "org-legal_name", "This field is required"),
    "unknown country": ({"org-country": "XX"}, "org-country", "valid choice"),
    "unknown category": ({"org-category": "pirate"}, "org-category", "valid choice"),
    "bad website": ({"org-website": "not a url"}, "org-website", "valid URL"),
    "no declaration": (
        {"org-declares_no_excluded_activities": None},
        "org-declares_no_excluded_activities",
        "must make this declaration",
    ),
    "no global compact": (
        {"org-accepts_global_compact": None},
        "org-accepts_global_compact",
        "must make this declaration",
    ),
    "bad contact email": ({"contact-email": "hana@"}, "contact-email", "valid email"),
    "gif logo": ({"org-logo": raster("GIF")}, "org-logo", "PNG, JPEG or SVG"),
    "huge logo": ({"org-logo": raster("PNG", size=(4100, 100))}, "org-logo", "at most 4000"),
}


@pytest.mark.parametrize("overrides, field, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_created(
    client, newcomer, overrides, field, message
):
    response = client.post(reverse("sponsors:onboarding"), form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_errors"' in html
    assert 'aria-invalid="true"' in html
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def test_an_ngo_does_not_need_the_declaration(client, newcomer):
    response = client.post(
        reverse("sponsors:onboarding"),
        form_data(
            **{
                "org-category": "ngo",
                "org-declares_no_excluded_activities": None,
                "org-accepts_global_compact": None,
            }
        ),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.has_declared and organisation.declared_at is None


def test_onboarding_requires_sign_in(client):
    response = client.get(reverse("sponsors:onboarding"))
    assert response["Location"].startswith(reverse("account_login"))
