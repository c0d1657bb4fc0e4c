"""Sponsorship agreements: the contract a paid (or approved) pledge leads to, in versions.

An `Agreement` is one version of the contract for a pledge: numbered `AGR-<year>-<5 digits>` (the
number is kept by every version of the same pledge's agreement; the version tells them apart),
frozen in `content` when it is issued, rendered to a PDF kept with its SHA-256, then signed by
the sponsor in the portal and countersigned by an organiser (`Signature`, one per side), after
which the executed PDF adds a signature page. Every move is in `AgreementChange` (who, when, from,
to, why). Rules live in `services.py`, `signing.py` and `states.py`.

What an event's agreements say and when they are issued is set in the admin: `AgreementPolicy`
(per event), `StandardClause` (every agreement) and `PackageClause` (one package's agreements).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from marketplace.agreements.states import AgreementState, label
from marketplace.agreements.storage import agreement_storage
from marketplace.core.audit import StateChange

DEFAULT_REMINDER_DAYS = 7


class IssueOn(models.TextChoices):
    PAYMENT = "payment", _("When the pledge is paid")
    APPROVAL = "approval", _("When a bank-transfer pledge is approved (else when paid)")


class AgreementPolicy(models.Model):
    """When an event's agreements are issued and when an unsigned one is chased. An event
    without a policy uses the defaults (on payment; a reminder every 7 days)."""

    event = models.OneToOneField(
        "events.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="agreement_policy",
    )
    issue_on = models.CharField(
        _("issue the agreement"),
        max_length=10,
        choices=IssueOn.choices,
        default=IssueOn.PAYMENT,
        help_text=_(
            "On approval: invoiced (bank-transfer) pledges get their agreement as soon as they "
            "are approved, before they pay; other pledges get it when paid."
        ),
    )
    unsigned_reminder_days = models.PositiveSmallIntegerField(
        _("remind the signatory after (days)"),
        default=DEFAULT_REMINDER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("An agreement still unsigned this many days after it was sent is chased."),
    )

    panels = [
        FieldPanel("event"),
        FieldRowPanel([FieldPanel("issue_on"), FieldPanel("unsigned_reminder_days")]),
    ]

    class Meta:
        verbose_name = _("agreement policy")
        verbose_name_plural = _("agreement policies")

    def __str__(self):
        return str(self.event)

    @classmethod
    def for_event(cls, event_id: int) -> "AgreementPolicy":
        """The event's policy, or an unsaved one with the defaults."""
        return cls.objects.filter(event_id=event_id).first() or cls(event_id=event_id)


class ClauseBase(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Plain text; blank lines start a paragraph."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active clauses go into new agreements.")
    )

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class StandardClause(ClauseBase):
    """A clause of every sponsorship agreement (a Wagtail snippet). Editing it changes the
    agreements issued from then on; issued versions keep the text they were issued with."""

    panels = [
        FieldPanel("title"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("order"), FieldPanel("active")]),
    ]

    class Meta(ClauseBase.Meta):
        verbose_name = _("standard clause")


class PackageClause(ClauseBase):
    """A clause added to the agreements of one package (a Wagtail snippet), after the standard
    ones: exclusivity, catering, a side event's room, ..."""

    package = models.ForeignKey(
        "events.SponsorshipPackagePage",
        verbose_name=_("package"),
        on_delete=models.CASCADE,
        related_name="agreement_clauses",
    )

    panels = [FieldPanel("package"), *StandardClause.panels]

    class Meta(ClauseBase.Meta):
        verbose_name = _("package clause")
        ordering = ["package", "order", "pk"]


class Agreement(models.Model):
    """One version of a pledge's sponsorship agreement (see the module's docstring)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    number = models.CharField(_("number"), max_length=20, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("state"), max_length=20, choices=AgreementState.choices, default=AgreementState.DRAFT
    )
    content = models.JSONField(_("content as issued"), default=dict, blank=True)
    pdf = models.FileField(
        _("PDF"), storage=agreement_storage, upload_to="agreements/", max_length=255, blank=True
    )
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    executed_pdf = models.FileField(
        _("executed PDF"),
        storage=agreement_storage,
        upload_to="agreements/",
        max_length=255,
        blank=True,
    )
    executed_sha256 = models.CharField(_("SHA-256 of the executed PDF"), max_length=64, blank=True)
    register_entry = models.ForeignKey(
        "register.PartnershipAgreement",
        verbose_name=_("register entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sponsor_signed_at = models.DateTimeField(_("signed by the sponsor at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(
        _("executed copy delivered at"),
        null=True,
        blank=True,
        help_text=_("When the executed PDF was emailed to both sides and entered in the register."),
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)

    wagtail_reference_index_ignore = True  # changes through services; saves queries

    class Meta:
        verbose_name = _("sponsorship agreement")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("countersign_agreement", _("Can countersign sponsorship agreements")),
            ("reissue_agreement", _("Can issue a new version of, or void, an agreement")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "version"], name="one_agreement_version"),
            models.UniqueConstraint(fields=["number", "version"], name="one_number_version"),
        ]
        indexes = [models.Index(fields=["status", "sent_at"], name="agreement_status_sent")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The number as people quote it: `AGR-2026-00001`, `AGR-2026-00001 v2` after a change."""
        return self.number if self.version == 1 else f"{self.number} v{self.version}"

    @property
    def file_stem(self) -> str:
        return f"{self.number}-v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.status != AgreementState.VOID

    @property
    def awaits_sponsor(self) -> bool:
        return self.status == AgreementState.SENT

    def signature_of(self, side: str):
        return next((s for s in self.signatures.all() if s.side == side), None)


class AgreementChange(StateChange):
    """One entry of an agreement's audit log: who moved it, when, from which state, why."""

    wagtail_reference_index_ignore = True

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="history")

    class Meta(StateChange.Meta):
        verbose_name = _("agreement history entry")
        verbose_name_plural = _("agreement history")

    def __str__(self):
        return f"{self.agreement}: {self.from_state or '∅'} → {self.to_state}"

    @property
    def from_label(self):
        return label(self.from_state) if self.from_state else ""

    @property
    def to_label(self):
        return label(self.to_state)


class SignatureSide(models.TextChoices):
    SPONSOR = "sponsor", _("For the sponsor")
    ORGANISER = "organiser", _("For the organisers")


class Signature(models.Model):
    """A typed, confirmed signature: who signed which document (by its hash), when, from where."""

    wagtail_reference_index_ignore = True

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    side = models.CharField(_("side"), max_length=10, choices=SignatureSide.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("user agent"), blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "side"], name="one_signature_per_side")
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_side_display()})"


class AgreementReminder(models.Model):
    """That reminder number `window` (1 after N days unsigned, 2 after 2N, ...) was sent: the
    unique row makes it once per window, whatever the number of workers or reruns."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    window = models.PositiveSmallIntegerField(_("reminder"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement reminder")
        ordering = ["agreement", "window"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "window"], name="one_reminder_per_window")
        ]

    def __str__(self):
        return f"{self.agreement} reminder {self.window}"
