"""Pledges: a sponsor organisation's hold on slots of a package, frozen at the time it is made.

A pledge copies the package's price, currency, title, category and benefits (a later edit of the
package never changes it), records the version of the event's terms it accepted, and keeps an
audit log of every state move (`PledgeChange`). Rules live in `services.py`, the allowed moves in
`states.py`, the moves themselves in `moves.py`.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.choices import BenefitKind
from marketplace.core.audit import StateChange
from marketplace.pledges.states import EXPIRING_STATES, PledgeState

REFERENCE_DIGITS = 6


def new_reference(year: int | None = None) -> str:
    """A random human reference `SP-<year>-<6 digits>`: unique by a database constraint (callers
    retry on a clash), and not a counter, so it reveals nothing about other pledges."""
    year = year or timezone.now().year
    return f"SP-{year}-{secrets.randbelow(10**REFERENCE_DIGITS):0{REFERENCE_DIGITS}d}"


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class EventTerms(models.Model):
    """One version of an event's sponsorship terms. Versions are never edited: saving the terms
    in the admin writes a new version, and the newest is what a new pledge accepts."""

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="terms_versions",
    )
    version = models.PositiveIntegerField(_("version"), editable=False)
    text = models.TextField(_("terms"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("event terms")
        verbose_name_plural = _("event terms")
        ordering = ["event", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="one_terms_per_version")
        ]

    def __str__(self):
        return _("%(event)s terms, version %(version)s") % {
            "event": self.event.title,
            "version": self.version,
        }


class PledgeQuerySet(models.QuerySet):
    def of_member(self, user):
        """Pledges of every organisation `user` belongs to (what a member may read)."""
        return self.filter(organisation__memberships__user=user)


class Pledge(models.Model):
    """A sponsor's pledge of `quantity` units of a package, holding them until `expires_at`."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pledged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.PROTECT, related_name="+"
    )
    package = models.ForeignKey(
        "events.SponsorshipPackagePage",
        verbose_name=_("package"),
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices
    )
    # Snapshot of the package when the pledge was made.
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    package_title = models.CharField(_("package title"), max_length=255)
    package_category = models.CharField(_("package category"), max_length=20)
    benefits = models.JSONField(_("benefits"), default=list, blank=True)
    accepted_terms = models.ForeignKey(
        EventTerms, verbose_name=_("accepted terms"), on_delete=models.PROTECT, related_name="+"
    )

    status = models.CharField(
        _("state"), max_length=20, choices=PledgeState.choices, default=PledgeState.HELD
    )
    expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledge")
        ordering = ["-created_at", "-pk"]
        permissions = [("decide_pledge", _("Can approve, reject, extend or cancel pledges"))]
        indexes = [
            models.Index(fields=["package", "status"], name="pledge_package_status"),
            models.Index(fields=["organisation", "package"], name="pledge_org_package"),
            models.Index(fields=["status", "expires_at"], name="pledge_status_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="pledge_quantity_1")
        ]

    def __str__(self):
        return self.reference

    @property
    def holds_until(self):
        """The expiry that matters now (None once the pledge no longer waits on anything)."""
        return self.expires_at if self.status in EXPIRING_STATES else None

    @property
    def is_held(self) -> bool:
        return self.status == PledgeState.HELD

    @property
    def benefit_rows(self) -> list[dict]:
        """The snapshot of benefits, each with the label of its kind for display."""
        rows = []
        for benefit in self.benefits or []:
            try:
                label = BenefitKind(benefit.get("kind")).label
            except ValueError:
                label = benefit.get("kind", "")
            due = benefit.get("due_date")
            try:
                due = datetime.date.fromisoformat(due) if isinstance(due, str) else due
            except ValueError:
                pass  # shown as stored
            rows.append({**benefit, "kind_label": label, "due": due})
        return rows

    @property
    def next_step(self) -> str:
        """The pledge's state in a sentence, where its to-do list (`todo.py`) is empty."""
        return {
            PledgeState.HELD: _("Pay to confirm, before the hold expires."),
            PledgeState.AWAITING_APPROVAL: _("Wait for the organisers' approval."),
            PledgeState.AWAITING_PAYMENT: _("Pay to confirm, before the hold expires."),
            PledgeState.PAID: _("All done: the organisers deliver the benefits."),
            PledgeState.PARTIALLY_REFUNDED: _("All done: the organisers deliver the benefits."),
        }.get(self.status, _("Closed: nothing more happens on this pledge."))


class PledgeChange(StateChange):
    """One entry of a pledge's audit log: who moved it, when, from which state to which, why."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="history")

    class Meta(StateChange.Meta):
        verbose_name = _("pledge history entry")
        verbose_name_plural = _("pledge history")

    def __str__(self):
        return f"{self.pledge}: {self.from_state or '∅'} → {self.to_state}"

    def _label(self, state):
        try:
            return PledgeState(state).label
        except ValueError:
            return state

    @property
    def from_label(self):
        return self._label(self.from_state) if self.from_state else ""

    @property
    def to_label(self):
        return self._label(self.to_state)


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_WAITLIST_STATES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class WaitlistEntry(models.Model):
    """An organisation waiting for a sold-out package. Position is by `created_at`: when slots
    free up the first in line is offered a held pledge for 48 hours (`offer`)."""

    package = models.ForeignKey(
        "events.SponsorshipPackagePage",
        verbose_name=_("package"),
        on_delete=models.CASCADE,
        related_name="waitlist",
    )
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("sponsor"),
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices
    )
    accepted_terms = models.ForeignKey(EventTerms, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("state"), max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer = models.OneToOneField(
        Pledge,
        verbose_name=_("offered pledge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entry",
    )

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "organisation"],
                condition=models.Q(status__in=ACTIVE_WAITLIST_STATES),
                name="one_active_waitlist_entry",
            )
        ]

    def __str__(self):
        return f"{self.organisation} waiting for {self.package_id} × {self.quantity}"

    @property
    def position(self) -> int | None:
        """1 for the first in line; None once the entry no longer waits."""
        if self.status != WaitlistStatus.WAITING:
            return None
        earlier = WaitlistEntry.objects.filter(
            package_id=self.package_id, status=WaitlistStatus.WAITING
        ).filter(
            models.Q(created_at__lt=self.created_at)
            | models.Q(created_at=self.created_at, pk__lt=self.pk)
        )
        return earlier.count() + 1


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


class PledgeFormToken(models.Model):
    """A one-time token issued with the pledge form (a hidden field) and used up, in the
    transaction that writes the pledge, by the first submission that carries it: a
    double-click or a resubmitted page makes one pledge, and the second request is pointed at
    it (`marketplace/pledges/submission.py`)."""

    token = models.CharField(max_length=64, unique=True, default=new_form_token, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey(
        "events.SponsorshipPackagePage", on_delete=models.CASCADE, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    pledge = models.OneToOneField(
        Pledge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pledge form token")
        indexes = [models.Index(fields=["user", "package"], name="pledge_form_token_owner")]

    def __str__(self):
        return f"{self.user_id}/{self.package_id}: {'used' if self.used_at else 'open'}"


class SponsorAudience(models.TextChoices):
    PAID = "paid", _("Sponsors who have paid")
    ALL = "all", _("Every sponsor with a pledge in progress or paid")


class SponsorMessage(models.Model):
    """A message an organiser sent to the sponsors of an event (or of one of its packages):
    what was written, by whom, when, to whom. Each recipient's email is in the mail log (key
    `sponsor-message:<id>:<address>`), rendered in that person's language when known."""

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.PROTECT, related_name="+"
    )
    package = models.ForeignKey(
        "events.SponsorshipPackagePage",
        verbose_name=_("package"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to write to the sponsors of every package of the event."),
    )
    audience = models.CharField(
        _("to"), max_length=10, choices=SponsorAudience.choices, default=SponsorAudience.PAID
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Plain text; blank lines start a paragraph."))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    organisations = models.PositiveIntegerField(_("organisations"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # The "Write to sponsors" form's one-time token: a second submit of the same form (double
    # click, reload, two tabs) finds this message instead of sending again.
    form_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message to sponsors")
        verbose_name_plural = _("messages to sponsors")
        ordering = ["-sent_at", "-pk"]
        permissions = [("message_sponsors", _("Can write to the sponsors of an event"))]

    def __str__(self):
        return self.subject

    @property
    def mail_key_prefix(self) -> str:
        return f"sponsor-message:{self.pk}:"
