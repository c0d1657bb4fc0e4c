"""Making a ready-to-pledge sponsor account in one step (`manage.py create_sponsor`), for
organisers who onboard a sponsor by hand and for scripts and load tests."""

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_countries import countries

from sponsors.choices import PartnerCategory
from sponsors.models import Clearance, Contact, ContactRole, MemberRole, Membership, Organisation
from sponsors.screening import screen_organisation
from sponsors.services import decide_clearance


class ProvisioningError(Exception):
    """The account cannot be made; the message says why and that nothing changed."""


@dataclass
class SponsorAccount:
    user: object
    organisation: Organisation
    password: str
    password_generated: bool


def email_taken(email: str) -> bool:
    user_model = get_user_model()
    return (
        user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def create_sponsor_account(
    email: str,
    organisation_name: str,
    *,
    password: str | None = None,
    category: str = PartnerCategory.PRIVATE_SECTOR,
    country: str = "CH",
    reason: str = "Onboarded by hand with create_sponsor.",
) -> SponsorAccount:
    """Create a user with a verified email, an organisation it administers (with the
    declaration when the category needs one and a primary contact) and clear it.

    Guarantees: all or nothing, in one transaction; an email that any account already uses is
    refused; a given password must pass the site's password rules; without one, a random
    password is generated and returned.
    """
    email = (email or "").strip()
    name = (organisation_name or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ProvisioningError(f"{email!r} is not a valid email address; nothing was changed.")
    if not name:
        raise ProvisioningError("The organisation needs a name; nothing was changed.")
    if category not in PartnerCategory.values:
        raise ProvisioningError(
            f"Unknown category {category!r}: use one of {', '.join(PartnerCategory.values)}."
        )
    country = (country or "").upper()
    if country not in countries:
        raise ProvisioningError(f"Unknown country code {country!r}: use an ISO 3166 code.")
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    with transaction.atomic():
        if email_taken(email):
            raise ProvisioningError(
                f"An account with the email {email} already exists; nothing was changed."
            )
        user = user_model(username=email[:150], email=email)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ProvisioningError("The password is refused: " + " ".join(exc.messages))
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        organisation = Organisation(
            legal_name=name[:255],
            display_name=name[:120],
            country=country,
            category=category,
            clearance=Clearance.PENDING,
        )
        if organisation.needs_declaration:
            organisation.declares_no_excluded_activities = True
            organisation.accepts_global_compact = True
            organisation.declared_at = timezone.now()
        organisation.save()
        Membership.objects.create(user=user, organisation=organisation, role=MemberRole.ADMIN)
        Contact.objects.create(
            organisation=organisation,
            role=ContactRole.PRIMARY,
            name=email.split("@")[0],
            email=email,
        )
        matches = screen_organisation(organisation, source="onboarding")
        if matches:
            # Rolls everything back: an organisation resembling a sanctions-list entry is
            # never cleared by a command; it registers in the portal and an approver reviews.
            raise ProvisioningError(
                f"{name} resembles the UN sanctions list entry {matches[0].entry} "
                f"({matches[0].matched_name!r}); nothing was created. Register it in the "
                "portal so that an approver reviews the match."
            )
        decide_clearance(organisation, None, Clearance.CLEARED, reason, notify=False)
    return SponsorAccount(user, organisation, password, generated)
