"""`record_sponsorship_agreement`: how the marketplace enters an executed sponsorship."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from register.models import AuditEntry, Partner, PartnershipAgreement
from register.profile import (
    ProfileLine,
    ProfileSection,
    _providers,
    extra_sections,
    register_profile_section,
)
from register.services import record_sponsorship_agreement
from register.stats import agreement_stats
from sponsors.models import Organisation

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        legal_name="Example Telecom SA",
        display_name="Example Telecom",
        country="CH",
        category="sector_member",
    )


def record(organisation, **overrides):
    values = {
        "reference": "SPONSOR-GSR26-0001",
        "title": "GSR-26 networking dinner",
        "organisation": organisation,
        "signed_on": datetime.date(2026, 5, 4),
        "regions": ["GLO"],
        "areas": ["enabling_environment"],
        "value": Decimal("40000.00"),
        "currency": "chf",
        "signatories": [("partner", "Jane Doe", "CEO"), ("bureau", "John Roe", "Director")],
    }
    values.update(overrides)
    return record_sponsorship_agreement(**values)


def test_an_executed_sponsorship_lands_in_the_register(organisation):
    agreement = record(organisation)
    assert agreement.agreement_type == "sponsorship" and agreement.status == "in_force"
    assert agreement.currency == "CHF" and agreement.contribution == "cash"
    assert agreement.partner_category == "sector_member"
    (partner,) = agreement.partner_list
    assert partner.organisation == organisation and partner.name == "Example Telecom"
    assert [s.name for s in agreement.signatories.all()] == ["Jane Doe", "John Roe"]
    assert AuditEntry.objects.get(agreement=agreement).source == "marketplace"
    stats = agreement_stats("type", 2026, 2026)
    assert stats.rows[0].values[stats.codes.index("sponsorship")] == 1


def test_recording_again_updates_the_same_agreement(organisation):
    first = record(organisation, documents=[("Signed agreement", ContentFile(PDF, "a.pdf"))])
    try:
        again = record(
            organisation,
            value=Decimal("45000.00"),
            documents=[("Signed agreement", ContentFile(PDF, "a.pdf"))],
        )
        assert again.pk == first.pk and PartnershipAgreement.objects.count() == 1
        assert Partner.objects.count() == 1 and again.documents.count() == 1
        update = AuditEntry.objects.get(agreement=first, action="updated")
        assert update.changes == {"value": ["40000.00", "45000.00"]}
    finally:
        for document in first.documents.all():
            document.file.delete(save=False)


def test_an_existing_partner_of_the_same_name_gets_linked(organisation):
    partner = Partner.objects.create(name="example telecom", category="")
    agreement = record(organisation)
    partner.refresh_from_db()
    assert agreement.partner_list == [partner]
    assert partner.organisation == organisation and partner.category == "sector_member"


@pytest.mark.parametrize(
    "overrides",
    [
        {"regions": ["MARS"]},
        {"areas": []},
        {"currency": "XYZ"},
        {"value": Decimal("-1")},
        {"documents": [("Signed", ContentFile(b"not a pdf", "a.pdf"))]},
    ],
)
def test_bad_input_raises_and_changes_nothing(organisation, overrides):
    with pytest.raises(ValidationError):
        record(organisation, **overrides)
    assert not PartnershipAgreement.objects.exists() and not Partner.objects.exists()


def test_other_apps_add_sections_to_the_partner_profile(organisation):
    agreement = record(organisation)
    partner = agreement.partner_list[0]

    def pledges(partner):
        if partner.organisation_id is None:
            return None
        return ProfileSection(
            key="pledges",
            title="Pledges",
            lines=[
                ProfileLine("Dinner", amount=Decimal("40000"), currency="CHF"),
                ProfileLine("Lanyards", amount=Decimal("5000"), currency="CHF"),
            ],
        )

    register_profile_section(pledges)
    try:
        (section,) = extra_sections(partner)
        assert section.totals == {"CHF": Decimal("45000")}
    finally:
        _providers.remove(pledges)
