"""Builders for sponsor accounts and organisations, shared by the sponsors tests (and usable
by other areas' tests that need a sponsor)."""

import itertools

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from sponsors.choices import PartnerCategory
from sponsors.models import Clearance, Contact, ContactRole, MemberRole, Membership, Organisation

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_user(email=None, *, verified=True, password=PASSWORD, **fields):
    email = email or f"person{next(_numbers)}@example.com"
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, **fields
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_organisation(admin=None, *, members=(), contacts=True, **fields):
    number = next(_numbers)
    defaults = {
        "legal_name": f"Organisation {number} SA",
        "display_name": f"Organisation {number}",
        "country": "CH",
        "category": PartnerCategory.PRIVATE_SECTOR,
        "declares_no_excluded_activities": True,
        "accepts_global_compact": True,
        "clearance": Clearance.PENDING,
    }
    defaults.update(fields)
    organisation = Organisation.objects.create(**defaults)
    if admin is not None:
        Membership.objects.create(user=admin, organisation=organisation, role=MemberRole.ADMIN)
    for member in members:
        Membership.objects.create(user=member, organisation=organisation, role=MemberRole.MEMBER)
    if contacts:
        Contact.objects.create(
            organisation=organisation,
            role=ContactRole.PRIMARY,
            name="Primary Person",
            email=f"primary{number}@example.com",
        )
    return organisation
