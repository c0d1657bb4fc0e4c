"""Sponsor organisations (the parties that pledge), their people and their due-diligence state.

An organisation has members (user accounts with a role: administrator, signatory, finance or
member, and the capabilities an administrator grants them — what each may do is decided in
`sponsors/membership.py`), contacts (people the bureau
writes to, by role: primary, signatory, finance, marketing), invitations to join, and a history
of due-diligence decisions. The partnership register (`register/`) links its partners
to these records.
"""

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.core.audit import StateChange
from sponsors.choices import DUE_DILIGENCE_CATEGORIES, PartnerCategory


class Clearance(models.TextChoices):
    PENDING = "pending", _("Pending review")
    CLEARED = "cleared", _("Approved")
    RESERVED = "reserved", _("Approved with reservation")
    DECLINED = "declined", _("Declined")


# The decisions that let an organisation sponsor (packages that require approval included).
APPROVED_CLEARANCES = (Clearance.CLEARED, Clearance.RESERVED)


class ExclusionCriterion(models.TextChoices):
    """What the UN checks before it engages a business partner; a due-diligence decision records
    which of these the approver checked."""

    UN_SANCTIONS = "un_sanctions", _("UN Security Council sanctions lists")
    UNGM_INELIGIBLE = "ungm_ineligible", _("UN Global Marketplace ineligible vendors")
    TOBACCO = "tobacco", _("Tobacco")
    WEAPONS = "weapons", _("Weapons and armaments")
    HUMAN_RIGHTS = "human_rights", _("Human-rights and labour concerns")
    OTHER = "other", _("Other concerns")


def logo_path(instance, filename: str) -> str:
    """Logos are stored under a random name: the uploaded name is never trusted (the extension
    comes from the validated content, see `sponsors/logos.py`)."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"logos/{instance.public_id}/{uuid.uuid4().hex}{suffix}"


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
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True)
    # What its documents are written in, and its mail to contacts (sponsors/languages.py).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

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
        verbose_name_plural = _("sponsor organisations")
        ordering = ["display_name"]
        permissions = [("decide_clearance", _("Can clear or decline an organisation"))]

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

    @property
    def is_cleared(self) -> bool:
        """True once an approver has approved the organisation in due diligence (with or
        without a reservation)."""
        return self.clearance in APPROVED_CLEARANCES

    @property
    def is_declined(self) -> bool:
        return self.clearance == Clearance.DECLINED

    def contact_for(self, role: str) -> "Contact | None":
        """The contact to write to for `role` (e.g. finance, signatory): the first contact with
        that role, else the primary contact, else any contact (None when there are none)."""
        contacts = list(self.contacts.all())
        for wanted in (role, ContactRole.PRIMARY):
            for contact in contacts:
                if contact.role == wanted:
                    return contact
        return contacts[0] if contacts else None

    @property
    def primary_contact(self) -> "Contact | None":
        return self.contact_for(ContactRole.PRIMARY)


class MemberRole(models.TextChoices):
    # "admin" is the stored value of the administrator since the first release: kept as is.
    ADMIN = "admin", _("Administrator")
    SIGNATORY = "signatory", _("Signatory")
    FINANCE = "finance", _("Finance")
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
    # Capabilities an administrator grants beyond the role (see `sponsors/membership.py`).
    may_pledge = models.BooleanField(
        _("may pledge and cancel"),
        default=False,
        help_text=_("Make and cancel pledges for the organisation without being administrator."),
    )
    may_pay = models.BooleanField(
        _("may pay"),
        default=False,
        help_text=_("Pay pledges by card and ask for bank-transfer invoices."),
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} in {self.organisation}"

    @property
    def is_admin(self) -> bool:
        return self.role == MemberRole.ADMIN

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.email


class MembershipChangeKind(models.TextChoices):
    ROLE = "role", _("Role")
    MAY_PLEDGE = "may_pledge", _("May pledge and cancel")
    MAY_PAY = "may_pay", _("May pay")


class MembershipChange(StateChange):
    """One change of a member's role or granted capability: who changed it (`actor`), when
    (`at`), from and to. Kept when the member later leaves (the member's email is copied)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_changes"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member_email = models.EmailField(_("member's email"))
    kind = models.CharField(_("what changed"), max_length=12, choices=MembershipChangeKind.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("team change")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.member_email}: {self.kind} {self.from_state} → {self.to_state}"

    def value_label(self, value: str) -> str:
        if not value:  # joined (from nothing) or left (to nothing)
            return _("not in the team")
        if self.kind == MembershipChangeKind.ROLE:
            return MemberRole(value).label if value in MemberRole.values else value
        return _("yes") if value == "yes" else _("no")

    @property
    def from_label(self) -> str:
        return self.value_label(self.from_state)

    @property
    def to_label(self) -> str:
        return self.value_label(self.to_state)


class ContactRole(models.TextChoices):
    PRIMARY = "primary", _("Primary contact")
    SIGNATORY = "signatory", _("Signatory")
    FINANCE = "finance", _("Finance")
    MARKETING = "marketing", _("Marketing")


class Contact(models.Model):
    """A person the bureau writes to about the organisation's sponsorships. Not necessarily a
    user of the site: the signatory may never sign in."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    role = models.CharField(_("role"), max_length=12, choices=ContactRole.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        ordering = ["role", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """An invitation, sent by email, to join an organisation's team. The link carries an
    unguessable token; it is accepted by a signed-in user whose verified email matches."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} to {self.organisation}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return InvitationStatus(self.status).label


class ClearanceDecision(models.Model):
    """One due-diligence decision by an organiser: the audit trail behind
    `Organisation.clearance`, newest first."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="clearance_decisions"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Clearance.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    criteria_checked = models.JSONField(
        _("exclusion criteria checked"), default=list, blank=True
    )  # ExclusionCriterion values
    reservation = models.TextField(_("reservation"), blank=True)

    class Meta:
        verbose_name = _("due-diligence decision")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.organisation}: {self.get_decision_display()}"

    def criteria_labels(self) -> list[str]:
        return [ExclusionCriterion(c).label for c in self.criteria_checked if c in _CRITERIA]


_CRITERIA = set(ExclusionCriterion.values)


class SanctionsEntryKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTITY = "entity", _("Entity")


class SanctionsEntry(models.Model):
    """One individual or entity of the UN Security Council Consolidated List, as last imported
    (`python manage.py import_sanctions_list FILE`). Entries dropped from a newer list are kept,
    marked delisted, so the matches reviewed against them keep their evidence."""

    data_id = models.CharField(_("data id"), max_length=32, unique=True)
    reference_number = models.CharField(_("reference number"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=SanctionsEntryKind.choices)
    name = models.CharField(_("name"), max_length=500)
    original_script_name = models.CharField(
        _("name in original script"), max_length=500, blank=True
    )
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    list_type = models.CharField(_("sanctions regime"), max_length=100, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    list_generated_at = models.DateTimeField(_("list generated at"), null=True, blank=True)
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sanctions list entry")
        verbose_name_plural = _("sanctions list entries")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.reference_number or self.data_id})"

    def names(self) -> list[str]:
        """Every name the entry is listed under: its name, the original script and aliases."""
        names = [self.name, self.original_script_name, *self.aliases]
        return list(dict.fromkeys(n for n in names if n))


class ScreeningOutcome(models.TextChoices):
    OPEN = "open", _("Awaiting review")
    TRUE_MATCH = "true_match", _("True match")
    FALSE_POSITIVE = "false_positive", _("False positive")


class ScreeningMatch(models.Model):
    """A name of an organisation (or of its signatory, contact or member) that resembles a
    sanctions-list entry. While one is open the organisation cannot be approved; an approver
    reviews it as a true match (which declines the organisation) or a false positive, with a
    reason. Rows are never deleted: they are the screening's audit trail."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="screening_matches"
    )
    entry = models.ForeignKey(SanctionsEntry, on_delete=models.PROTECT, related_name="matches")
    subject = models.CharField(_("screened as"), max_length=40)  # e.g. "organisation", "contact"
    subject_name = models.CharField(_("screened name"), max_length=500)
    matched_name = models.CharField(_("listed name"), max_length=500)
    score = models.PositiveSmallIntegerField(_("similarity"))
    source = models.CharField(_("found by"), max_length=20)  # onboarding, import, daily, ...
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ScreeningOutcome.choices,
        default=ScreeningOutcome.OPEN,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("review reason"), blank=True)

    class Meta:
        verbose_name = _("screening match")
        verbose_name_plural = _("screening matches")
        ordering = ["-found_at", "-pk"]
        permissions = [("review_screeningmatch", _("Can review sanctions screening matches"))]
        constraints = [
            # A name matched once stays one row, whatever its outcome: a daily rescan never
            # reopens a false positive that an approver has already reviewed.
            models.UniqueConstraint(
                fields=["organisation", "entry", "subject_name"], name="one_match_per_name"
            )
        ]

    def __str__(self):
        return f"{self.subject_name} ~ {self.entry}"

    @property
    def is_open(self) -> bool:
        return self.outcome == ScreeningOutcome.OPEN
