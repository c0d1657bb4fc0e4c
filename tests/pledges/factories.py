"""Builders for pledge tests: onboarded sponsors, event terms, pledges in a given state."""

import itertools

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from marketplace.pledges.rules import publish_terms
from sponsors.choices import PartnerCategory
from sponsors.models import Clearance, MemberRole, Membership, Organisation
from sponsors.tokens.services import create_token

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


def make_sponsor(
    email=None,
    *,
    name=None,
    category=PartnerCategory.PRIVATE_SECTOR,
    declared=True,
    clearance=Clearance.PENDING,
    verified=True,
    organisation=None,
    password=PASSWORD,
):
    """A user with a (verified) email who belongs to an organisation; returns (user, org)."""
    n = next(_counter)
    email = email or f"sponsor{n}@example.com"
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if organisation is None:
        name = name or f"Sponsor {n}"
        organisation = Organisation.objects.create(
            legal_name=f"{name} Ltd",
            display_name=name,
            country="CH",
            category=category,
            declares_no_excluded_activities=declared,
            accepts_global_compact=declared,
            clearance=clearance,
        )
    Membership.objects.create(user=user, organisation=organisation, role=MemberRole.ADMIN)
    return user, organisation


def make_token(user) -> str:
    """A new API token for `user` (whatever the account: tests make staff tokens too)."""
    return create_token(user).key


def make_terms(event, text="Sponsors pay within the hold and follow the code of conduct."):
    return publish_terms(event, text)


def pledge_for(user_org, package, quantity=1, payment_method="bank_transfer"):
    """A pledge made through the service, as a sponsor would."""
    from marketplace.pledges.services import create_pledge

    user, organisation = user_org
    return create_pledge(
        user=user,
        organisation=organisation,
        package_id=package.pk,
        quantity=quantity,
        payment_method=payment_method,
        accept_terms=True,
    )
