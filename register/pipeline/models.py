"""Resource mobilisation: prospects and their opportunities (the pipeline, with an audited stage
history), contacts at partners and the interactions log, yearly targets, and the bureau's
contribution to co-financed agreements (what the register does not record).

Writes of stages go through `services.py`; the rest is edited in the admin's snippets.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.core.audit import StateChange
from register.choices import AreaOfAction, PartnerCategory, Region
from register.currencies import validate_currency
from register.models import BitmaskField, staff_users
from register.pipeline.codes import AREA_BITS, REGION_BITS, codes_of
from register.pipeline.stages import DEFAULT_PROBABILITY, OPEN_STAGES, Stage
from register.pipeline.stages import label as stage_label


def _one_organisation(instance, errors, *, allow_name=False):
    """A prospect, contact or interaction is about exactly one organisation: a register partner
    or a marketplace organisation (or, for a prospect, a new name; for a contact or an
    interaction, a prospect known only by its new name)."""
    given = [bool(instance.partner_id), bool(instance.organisation_id)]
    if allow_name:
        given.append(bool(instance.name.strip()))
    else:
        given.append(bool(instance.prospect_id))
    if sum(given) == 0:
        message = (
            _("Choose a register partner or a marketplace organisation, or give a new name.")
            if allow_name
            else _("Choose a register partner, a marketplace organisation or a new prospect.")
        )
        errors["partner"] = message
    elif sum(given) > 1:
        errors["partner"] = _("Choose only one: a register partner, an organisation or a name.")
    elif not allow_name and instance.prospect_id and not instance.prospect.name:
        errors["prospect"] = _(
            "This prospect is a register partner or a marketplace organisation: choose it there."
        )


# A contact or an interaction names a prospect only when it has no partner or organisation yet.
NEW_NAME_PROSPECTS = {"partner__isnull": True, "organisation__isnull": True}


def _prospect_field(related_name: str):
    return models.ForeignKey(
        "Prospect",
        verbose_name=_("new prospect"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name=related_name,
        limit_choices_to=NEW_NAME_PROSPECTS,
        help_text=_("For an organisation that is neither a partner nor in the marketplace yet."),
    )


def _name_of(instance) -> str:
    if instance.partner_id:
        return instance.partner.name
    if instance.organisation_id:
        return instance.organisation.display_name
    return instance.prospect.name if instance.prospect_id else ""


class Prospect(models.Model):
    """An organisation the bureau may mobilise resources from: a known register partner, a
    marketplace organisation, or a new name (with its country and category)."""

    partner = models.ForeignKey(
        "register.Partner",
        verbose_name=_("register partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prospects",
    )
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("marketplace organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prospects",
    )
    name = models.CharField(
        _("new organisation's name"),
        max_length=200,
        blank=True,
        help_text=_("Only for an organisation that is neither a partner nor in the marketplace."),
    )
    country = CountryField(_("country"), blank=True)
    category = models.CharField(
        _("partner category"), max_length=30, choices=PartnerCategory.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prospect")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(partner__isnull=False),
                name="pipeline_one_prospect_per_partner",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(organisation__isnull=False),
                name="pipeline_one_prospect_per_organisation",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.partner_id:
            return self.partner.name
        if self.organisation_id:
            return self.organisation.display_name
        return self.name

    @property
    def category_code(self) -> str:
        if self.partner_id and self.partner.category:
            return self.partner.category
        if self.organisation_id:
            return self.organisation.category
        return self.category

    def clean(self):
        errors = {}
        self.name = self.name.strip()
        _one_organisation(self, errors, allow_name=True)
        if self.name and not errors:
            if not self.country:
                errors["country"] = _("Give the country of a new organisation.")
            if not self.category:
                errors["category"] = _("Give the category of a new organisation.")
            duplicate = Prospect.objects.filter(name__iexact=self.name).exclude(pk=self.pk)
            if duplicate.exists():
                errors["name"] = _("There is already a prospect with this name.")
        if errors:
            raise ValidationError(errors)


class Purpose(models.TextChoices):
    EVENT = "event", _("An event's sponsorship packages")
    PROJECT = "project", _("A project")
    REGIONAL_INITIATIVE = "regional_initiative", _("A regional initiative")


class Opportunity(models.Model):
    """A chance of mobilising resources from a prospect, moving through the stages."""

    prospect = models.ForeignKey(
        Prospect,
        verbose_name=_("prospect"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    title = models.CharField(_("title"), max_length=255)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED
    )
    expected_value = models.DecimalField(
        _("expected value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("ISO 4217 code, e.g. CHF, USD."),
    )
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        default=DEFAULT_PROBABILITY[Stage.IDENTIFIED],
        help_text=_("Chance of winning, 0–100; each stage sets its default when it is entered."),
    )
    expected_on = models.DateField(_("expected date"), null=True, blank=True)
    business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("business owner"),
        on_delete=models.PROTECT,
        related_name="owned_opportunities",
        limit_choices_to=staff_users,
    )
    region_mask = BitmaskField(_("beneficiary regions"), default=0)
    area_mask = BitmaskField(_("areas of action"), default=0)
    purpose = models.CharField(
        _("what it is for"), max_length=20, choices=Purpose.choices, default=Purpose.PROJECT
    )
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    purpose_detail = models.CharField(
        _("project or initiative"),
        max_length=255,
        blank=True,
        help_text=_("The project's or the regional initiative's name."),
    )
    notes = models.TextField(_("notes"), blank=True)
    lost_reason = models.TextField(_("why it was lost"), blank=True)
    agreement = models.OneToOneField(
        "register.PartnershipAgreement",
        verbose_name=_("resulting agreement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunity",
    )
    pledge = models.OneToOneField(
        "pledges.Pledge",
        verbose_name=_("resulting pledge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunity",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_on", "pk"]
        indexes = [
            models.Index(fields=["business_owner", "stage"], name="pipeline_opp_owner_stage"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="pipeline_probability_max_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="won")
                | models.Q(agreement__isnull=False)
                | models.Q(pledge__isnull=False),
                name="pipeline_won_has_result",
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.prospect}"

    def clean(self):
        errors = {}
        self.currency = (self.currency or "").strip().upper()
        if self.expected_value is not None and not self.currency:
            errors["currency"] = _("Give the currency of the expected value.")
        if self.purpose == Purpose.EVENT and not self.event_id:
            errors["event"] = _("Choose the event whose packages this is for.")
        if self.purpose != Purpose.EVENT and not self.purpose_detail.strip():
            errors["purpose_detail"] = _("Name the project or the regional initiative.")
        if errors:
            raise ValidationError(errors)

    @property
    def region_codes(self) -> list[str]:
        return codes_of(self.region_mask, REGION_BITS)

    @property
    def area_codes(self) -> list[str]:
        return codes_of(self.area_mask, AREA_BITS)

    def region_labels(self) -> list[str]:
        return [Region(code).label for code in self.region_codes]

    def area_labels(self) -> list[str]:
        return [AreaOfAction(code).label for code in self.area_codes]

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def weighted_value(self):
        if self.expected_value is None:
            return None
        return (self.expected_value * self.probability / 100).quantize(self.expected_value)

    @property
    def purpose_label(self) -> str:
        if self.purpose == Purpose.EVENT and self.event_id:
            return str(self.event)
        return self.purpose_detail


class OpportunityMove(StateChange):
    """One stage move of an opportunity: who, when, from, to, why."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="history")

    class Meta(StateChange.Meta):
        verbose_name = _("opportunity stage move")
        verbose_name_plural = _("opportunity stage moves")

    def __str__(self):
        return f"{self.opportunity_id}: {self.from_state or '—'} → {self.to_state}"

    @property
    def from_label(self) -> str:
        return stage_label(self.from_state) if self.from_state else ""

    @property
    def to_label(self) -> str:
        return stage_label(self.to_state)


class PartnerContact(models.Model):
    """A person at a partner (register), at a marketplace organisation, or at a prospect known
    only by its new name."""

    partner = models.ForeignKey(
        "register.Partner",
        verbose_name=_("register partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_contacts",
    )
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("marketplace organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_contacts",
    )
    prospect = _prospect_field("contacts")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner contact")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.organisation_name})"

    @property
    def organisation_name(self) -> str:
        return _name_of(self)

    def clean(self):
        errors = {}
        _one_organisation(self, errors)
        if errors:
            raise ValidationError(errors)


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    MISSION = "mission", _("Mission")
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    NOTE = "note", _("Note")


class Interaction(models.Model):
    """One entry of the log of what happened with a partner, and what to do next."""

    partner = models.ForeignKey(
        "register.Partner",
        verbose_name=_("register partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("marketplace organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    prospect = _prospect_field("interactions")
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices)
    happened_on = models.DateField(_("date"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.PROTECT,
        related_name="partner_interactions",
        limit_choices_to=staff_users,
    )
    summary = models.TextField(_("summary"))
    next_action = models.CharField(_("next action"), max_length=255, blank=True)
    next_action_on = models.DateField(_("next action date"), null=True, blank=True)
    next_action_done = models.BooleanField(_("next action done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        ordering = ["-happened_on", "-pk"]
        indexes = [
            models.Index(fields=["next_action_on", "next_action_done"], name="pipeline_next_action")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on:%Y-%m-%d} — {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        return _name_of(self)

    def clean(self):
        errors = {}
        _one_organisation(self, errors)
        if self.next_action_on and not self.next_action.strip():
            errors["next_action"] = _("Say what the next action is.")
        if self.next_action.strip() and not self.next_action_on:
            errors["next_action_on"] = _("Give the date of the next action.")
        if errors:
            raise ValidationError(errors)


class TargetScope(models.TextChoices):
    BUREAU = "bureau", _("The bureau")
    OWNER = "owner", _("A business owner")
    AREA = "area", _("An area of action")
    REGION = "region", _("A beneficiary region")


class Metric(models.TextChoices):
    CASH = "cash", _("Value mobilised, cash")
    IN_KIND = "in_kind", _("Value mobilised, in kind")
    NEW_AGREEMENTS = "new_agreements", _("New agreements")
    NEW_PARTNERS = "new_partners", _("New partners")
    SPONSORSHIP = "sponsorship", _("Sponsorship revenue")


MONEY_METRICS = (Metric.CASH, Metric.IN_KIND, Metric.SPONSORSHIP)


class Target(models.Model):
    """What the bureau, a business owner, an area or a region aims to mobilise in a year.

    Money targets carry their currency: until the reconciliation work records exchange rates,
    targets and actuals are compared currency by currency, never converted."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    scope = models.CharField(_("for"), max_length=10, choices=TargetScope.choices)
    business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("business owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_targets",
        limit_choices_to=staff_users,
    )
    area = models.CharField(
        _("area of action"), max_length=30, choices=AreaOfAction.choices, blank=True
    )
    region = models.CharField(
        _("beneficiary region"), max_length=3, choices=Region.choices, blank=True
    )
    metric = models.CharField(_("measure"), max_length=20, choices=Metric.choices)
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sponsorship_targets",
        help_text=_("For sponsorship revenue: the event (leave empty for all events)."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("For money measures: the ISO 4217 currency of the target."),
    )
    amount = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target")
        ordering = ["-year", "scope", "metric", "currency", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "year",
                    "scope",
                    "business_owner",
                    "area",
                    "region",
                    "metric",
                    "event",
                    "currency",
                ],
                name="pipeline_one_target_per_measure",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.year} · {self.scope_label} · {self.get_metric_display()}"

    @property
    def scope_label(self) -> str:
        if self.scope == TargetScope.OWNER and self.business_owner_id:
            owner = self.business_owner
            return owner.get_full_name() or owner.email
        if self.scope == TargetScope.AREA and self.area:
            return str(AreaOfAction(self.area).label)
        if self.scope == TargetScope.REGION and self.region:
            return str(Region(self.region).label)
        return str(TargetScope.BUREAU.label)

    @property
    def is_money(self) -> bool:
        return self.metric in MONEY_METRICS

    def clean(self):
        errors = {}
        self.currency = (self.currency or "").strip().upper()
        needs = {
            TargetScope.OWNER: ("business_owner", _("Choose the business owner.")),
            TargetScope.AREA: ("area", _("Choose the area of action.")),
            TargetScope.REGION: ("region", _("Choose the beneficiary region.")),
        }
        for scope, (field, message) in needs.items():
            given = bool(getattr(self, f"{field}_id" if field == "business_owner" else field))
            if self.scope == scope and not given:
                errors[field] = message
            elif self.scope != scope and given:
                errors[field] = _("Only for a target of that kind; leave it empty.")
        if self.is_money and not self.currency:
            errors["currency"] = _("Give the currency of a money target.")
        if not self.is_money and self.currency:
            errors["currency"] = _("A count has no currency; leave it empty.")
        if self.event_id and self.metric != Metric.SPONSORSHIP:
            errors["event"] = _("Only sponsorship revenue is counted per event.")
        if errors:
            raise ValidationError(errors)


class CoFinancing(models.Model):
    """The bureau's own contribution to an agreement the partner co-finances. The register
    records only what the partner brings (`Agreement.value`); this adds the other side, in the
    agreement's currency."""

    agreement = models.OneToOneField(
        "register.PartnershipAgreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="co_financing",
    )
    bureau_contribution = models.DecimalField(
        _("bureau contribution"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("co-financing")
        verbose_name_plural = _("co-financing")
        ordering = ["-agreement__signed_on", "pk"]

    def __str__(self):
        return f"{self.agreement.reference}: {self.bureau_contribution} {self.currency}"

    @property
    def currency(self) -> str:
        return self.agreement.currency if self.agreement_id else ""

    def clean(self):
        if self.agreement_id and not self.agreement.currency:
            raise ValidationError(
                {
                    "agreement": _(
                        "Give this agreement its value and currency in the register first: "
                        "the bureau's contribution is in the same currency."
                    )
                }
            )
