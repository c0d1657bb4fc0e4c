"""Sponsor organisations (the parties that pledge) and their due-diligence state.

Memberships, contacts, invitations and onboarding belong here too; see the sponsor accounts
issue. The partnership register (`sponsors/register/`) links its partners to these records.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from sponsors.choices import DUE_DILIGENCE_CATEGORIES, PartnerCategory


class Clearance(models.TextChoices):
    PENDING = "pending", _("Pending review")
    CLEARED = "cleared", _("Cleared")
    DECLINED = "declined", _("Declined")


class Organisation(models.Model):
    """A company, foundation, Member State, university or agency that sponsors."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=255)
    display_name = models.CharField(_("display name"), max_length=120)
    country = CountryField(_("country"))
    category = models.CharField(
        _("partner category"), max_length=30, choices=PartnerCategory.choices
    )
    website = models.URLField(_("website"), blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    tax_id = models.CharField(_("tax / VAT id"), max_length=64, blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)

    # Due diligence: a declaration by the organisation, then an organiser's decision.
    declares_no_excluded_activities = models.BooleanField(
        _("declares no involvement in tobacco, arms or other excluded activities"), default=False
    )
    accepts_global_compact = models.BooleanField(
        _("accepts the UN Global Compact principles"), default=False
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    clearance = models.CharField(
        _("due diligence"), max_length=10, choices=Clearance.choices, default=Clearance.PENDING
    )
    clearance_reason = models.TextField(_("reason"), blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cleared_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sponsor organisation")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    @property
    def needs_declaration(self) -> bool:
        return self.category in DUE_DILIGENCE_CATEGORIES

    @property
    def has_declared(self) -> bool:
        return not self.needs_declaration or (
            self.declares_no_excluded_activities and self.accepts_global_compact
        )


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A user's place in an organisation. A user may belong to several and picks the active one
    (see `sponsors/membership.py`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sponsor_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} in {self.organisation}"
