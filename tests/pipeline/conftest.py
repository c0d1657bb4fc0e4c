"""Builders for the resource-mobilisation tests: business owners, a small hand-made register,
prospects and opportunities, paid pledges."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from register import facets
from register.access import PARTNERSHIP_OFFICERS
from register.models import (
    AgreementArea,
    AgreementPartner,
    AgreementRegion,
    Partner,
    PartnershipAgreement,
)
from register.pipeline import services
from register.pipeline.codes import AREA_BITS, REGION_BITS, mask_of
from register.pipeline.models import Opportunity, Prospect
from register.pipeline.permissions import ensure_pipeline_permissions


def make_owner(email, first_name="", **fields):
    user = get_user_model().objects.create_user(
        username=email,
        email=email,
        password="pw-for-tests-123",
        first_name=first_name,
        is_staff=True,
        **fields,
    )
    user.groups.add(ensure_pipeline_permissions())
    return user


@pytest.fixture
def owner(db):
    return make_owner("bea@example.org", "Bea", last_name="Owner")


@pytest.fixture
def other_owner(db):
    return make_owner("carl@example.org", "Carl", last_name="Other")


def partner(name, category="private_sector", organisation=None):
    return Partner.objects.get_or_create(
        name=name, defaults={"category": category, "organisation": organisation}
    )[0]


def agreement(
    reference,
    partners,
    *,
    signed_on,
    value=None,
    currency="",
    contribution="none",
    type="project_document",
    status="in_force",
    category="private_sector",
    regions=("AFR",),
    areas=("infrastructure",),
    owner=None,
    expiry=None,
):
    """One register agreement written straight to the tables (the register's own services are
    tested in tests/register)."""
    created = PartnershipAgreement.objects.create(
        reference=reference,
        title=f"Agreement {reference}",
        partner_category=category,
        agreement_type=type,
        signed_on=signed_on,
        value=Decimal(value) if value is not None else None,
        currency=currency,
        contribution=contribution,
        status=status,
        business_owner=owner,
        expiry=expiry,
    )
    for index, one in enumerate(partners):
        AgreementPartner.objects.create(agreement=created, partner=one, sort_order=index)
    for code in regions:
        AgreementRegion.objects.create(agreement=created, code=code)
    for code in areas:
        AgreementArea.objects.create(agreement=created, code=code)
    facets.refresh([created.pk])  # what the register's services do on every save
    return created


def prospect_for(partner_or_name, **fields):
    if isinstance(partner_or_name, Partner):
        return Prospect.objects.get_or_create(partner=partner_or_name)[0]
    return Prospect.objects.create(
        name=partner_or_name, country=fields.get("country", "CH"), category="foundation"
    )


def opportunity(
    prospect,
    owner,
    *,
    stage="identified",
    value="10000.00",
    currency="USD",
    regions=("AFR",),
    areas=("enabling_environment",),
    **fields,
):
    created = Opportunity.objects.create(
        prospect=prospect,
        title=fields.pop("title", f"Opportunity with {prospect}"),
        stage=stage,
        expected_value=Decimal(value) if value is not None else None,
        currency=currency if value is not None else "",
        probability=fields.pop("probability", services.DEFAULT_PROBABILITY[stage]),
        business_owner=owner,
        region_mask=mask_of(regions, REGION_BITS),
        area_mask=mask_of(areas, AREA_BITS),
        purpose=fields.pop("purpose", "project"),
        purpose_detail=fields.pop("purpose_detail", "Connect schools"),
        **fields,
    )
    services.record_creation(created, actor=owner)
    return created


def paid_pledge(package, organisation_user, *, paid_at, status="paid"):
    """A marketplace pledge made through the service, then marked paid at `paid_at` (its
    history says when, as settlement writes it)."""
    from marketplace.pledges.models import Pledge, PledgeChange
    from tests.factories import pledge_for

    pledge = pledge_for(organisation_user, package)
    Pledge.objects.filter(pk=pledge.pk).update(status=status)
    PledgeChange.objects.create(
        pledge=pledge, from_state="awaiting_payment", to_state="paid", at=paid_at
    )
    pledge.refresh_from_db()
    return pledge


def at(year, month=6, day=1):
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


__all__ = ["PARTNERSHIP_OFFICERS"]
