"""Benefit tasks: one deliverable of a paid pledge (a logo on the website, a banner, a post...),
with its due date, owner team, state, the sponsor's asset and the proof of delivery, and an
audit log of every change (`BenefitTaskChange`). Rules live in `services.py`, moves in
`states.py`, per-kind needs in `kinds.py`.

Logos are public (they appear on the event page) and live in the default storage under a random
name; other assets and proofs are private, kept under PRIVATE_DOCUMENTS_ROOT and served only by
views that check who asks.
"""

import datetime
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from events.choices import BenefitKind
from marketplace.core.audit import StateChange
from marketplace.fulfilment.kinds import AssetType, Team, kind_label, rule_for
from marketplace.fulfilment.states import OPEN_STATES, TaskState, label


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_DOCUMENTS_ROOT/fulfilment, read from settings on every use (so a
    test's settings apply), with no public URL."""

    @property
    def base_location(self):
        return str(Path(settings.PRIVATE_DOCUMENTS_ROOT) / "fulfilment")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


_private = PrivateStorage()


def private_storage():
    return _private


def _random_name(folder: str, filename: str) -> str:
    # The extension comes from the validated content (see assets.py), never from the upload.
    suffix = os.path.splitext(filename)[1].lower()
    return f"fulfilment/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def logo_path(instance, filename):
    return _random_name("logos", filename)


def asset_path(instance, filename):
    return _random_name("assets", filename)


def proof_path(instance, filename):
    return _random_name("proofs", filename)


class BenefitTaskQuerySet(models.QuerySet):
    @staticmethod
    def overdue_condition(today: datetime.date) -> models.Q:
        """The one rule of "overdue": still open and past its due date (`days_overdue` is the
        same rule for one task). As a `Q`, for counts and filters on related rows."""
        return models.Q(state__in=OPEN_STATES, due_date__lt=today)

    def overdue(self, today: datetime.date):
        """The tasks overdue on `today`."""
        return self.filter(self.overdue_condition(today))


class BenefitTask(models.Model):
    """One deliverable of a paid pledge's benefit (see the module's doc)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.PROTECT,
        related_name="benefit_tasks",
    )
    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="benefit_tasks",
    )
    # Which benefit of the pledge's snapshot (its position) and which unit of it: together
    # with the pledge they name the task, so creating the tasks twice creates them once.
    benefit_index = models.PositiveSmallIntegerField(_("benefit number"))
    unit = models.PositiveSmallIntegerField(_("unit"), default=1)
    units = models.PositiveSmallIntegerField(_("units of the benefit"), default=1)
    kind = models.CharField(_("benefit"), max_length=20, choices=BenefitKind.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    package_category = models.CharField(_("package category"), max_length=20)
    due_date = models.DateField(_("due date"))
    team = models.CharField(_("owner team"), max_length=20, choices=Team.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=TaskState.choices, default=TaskState.TO_DO
    )
    # The staff member who delivers it (assigned on the board; see `services.assign`).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_benefit_tasks",
    )

    asset_logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, max_length=255)
    asset_file = models.FileField(
        _("file"), upload_to=asset_path, storage=private_storage, blank=True, max_length=255
    )
    asset_filename = models.CharField(_("file name"), max_length=255, blank=True)
    asset_text = models.TextField(_("text"), blank=True)
    asset_submitted_at = models.DateTimeField(_("asset supplied at"), null=True, blank=True)
    asset_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asset supplied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    proof_file = models.FileField(
        _("proof file"), upload_to=proof_path, storage=private_storage, blank=True, max_length=255
    )
    proof_filename = models.CharField(_("proof file name"), max_length=255, blank=True)
    proof_is_photo = models.BooleanField(_("proof is a photo"), default=False)
    proof_url = models.URLField(_("proof link"), max_length=500, blank=True)
    proof_note = models.TextField(_("delivery note"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    waived_reason = models.TextField(_("reason for waiving"), blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BenefitTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("benefit task")
        ordering = ["due_date", "pk"]
        permissions = [
            ("deliver_benefittask", _("Can start, deliver and waive benefit tasks")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "benefit_index", "unit"], name="one_task_per_benefit_unit"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="task_quantity_1"),
        ]
        indexes = [
            models.Index(fields=["event", "state", "due_date"], name="task_event_state_due"),
            models.Index(fields=["state", "due_date"], name="task_state_due"),
            models.Index(fields=["event", "kind", "state"], name="task_event_kind_state"),
        ]

    def __str__(self):
        return f"{self.kind_label} — {self.organisation_id} ({self.due_date})"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def title(self) -> str:
        """The benefit's name, with "(2 of 4)" for a benefit delivered unit by unit."""
        if self.units > 1:
            return _("%(kind)s (%(unit)s of %(units)s)") % {
                "kind": self.kind_label,
                "unit": self.unit,
                "units": self.units,
            }
        return self.kind_label

    @cached_property
    def rule(self):
        return rule_for(self.kind)

    @property
    def asset_type(self) -> str:
        return self.rule.asset

    @property
    def asset_type_label(self) -> str:
        return AssetType(self.rule.asset).label

    @property
    def needs_asset(self) -> bool:
        return self.rule.needs_asset

    @property
    def has_asset(self) -> bool:
        return bool(self.asset_logo or self.asset_file or self.asset_text)

    @property
    def asset_missing(self) -> bool:
        return self.needs_asset and not self.has_asset and self.is_open

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def state_label(self) -> str:
        return label(self.state)

    def days_overdue(self, today: datetime.date | None = None) -> int:
        """Days past the due date while still open (0 when not overdue): the rule of
        `BenefitTaskQuerySet.overdue_condition`, for one task."""
        if not self.is_open:
            return 0
        today = today or timezone.localdate()
        return max((today - self.due_date).days, 0)

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue() > 0

    @property
    def has_proof(self) -> bool:
        return bool(self.proof_file or self.proof_url)


class BenefitTaskChange(StateChange):
    """One entry of a task's audit log: who, when, from which state to which, why. An asset
    supplied or replaced is logged with the state unchanged."""

    task = models.ForeignKey(BenefitTask, on_delete=models.CASCADE, related_name="history")

    class Meta(StateChange.Meta):
        verbose_name = _("benefit task history entry")
        verbose_name_plural = _("benefit task history")

    def __str__(self):
        return f"{self.task_id}: {self.from_state or '∅'} → {self.to_state}"

    @property
    def from_label(self) -> str:
        return label(self.from_state) if self.from_state else ""

    @property
    def to_label(self) -> str:
        return label(self.to_state)


class PassDelegate(models.Model):
    """A person named by the sponsor for one pass of a passes benefit: who the registration
    desk expects (`delegates.py` checks and writes them; editable until the task's due date)."""

    task = models.ForeignKey(
        BenefitTask, verbose_name=_("benefit task"), on_delete=models.CASCADE,
        related_name="delegates",
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("pass number"))
    name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pass delegate")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "position"], name="one_delegate_per_pass"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
