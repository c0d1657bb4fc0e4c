"""The partnership agreements register: partners, agreements and their audit trail.

Beneficiary regions and areas of action are small child tables (one row per code) so that
filtering and the 1/k apportioning work the same on SQLite and PostgreSQL. Every write goes
through `services.py` / `importing.py` / the admin views, which record an `AuditEntry`.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower, Replace, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from marketplace.core.reporting import ReportingValue
from register.attachments import private_document_storage, validate_pdf
from register.choices import (
    AgreementType,
    AreaOfAction,
    AuditAction,
    Contribution,
    PartnerCategory,
    Region,
    SignatorySide,
    Status,
)
from register.choices import codes as vocabulary_codes
from register.csvrows import normalise_reference
from register.currencies import validate_currency

LIST_SEPARATOR = ";"


def validate_partner_name(value: str) -> None:
    if LIST_SEPARATOR in value:
        raise ValidationError(
            _("A partner name cannot contain “%(sep)s”: the CSV format uses it between partners."),
            params={"sep": LIST_SEPARATOR},
        )


def staff_users():
    """Who may own an agreement: staff, or members of a group that may edit the register."""
    return models.Q(is_active=True) & (
        models.Q(is_staff=True)
        | models.Q(groups__permissions__codename="change_partnershipagreement")
        | models.Q(is_superuser=True)
    )


class Partner(models.Model):
    """An organisation the bureau signs with; linked to the sponsor organisation when the
    partner also sponsors through the marketplace."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[validate_partner_name]
    )
    category = models.CharField(
        _("partner category"), max_length=30, choices=PartnerCategory.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    organisation = models.OneToOneField(
        "sponsors.Organisation",
        verbose_name=_("sponsor organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner",
        help_text=_("The marketplace account of this partner, when it has one."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="register_partner_name_ci_unique")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("register:partner", args=[self.pk])


class PartnershipAgreement(ClusterableModel, ReportingValue):
    """One signed (or draft) agreement between the bureau and one or more partners. Its value
    is also kept in the reporting currency at the rate in force on its signature date (the
    `reporting_*` fields, set by `facets.refresh` on every write): a signed agreement with a
    value and no rate for that day has them blank, and is listed as lacking a rate
    (`valuation.without_rate`)."""

    reference = models.CharField(_("reference"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    partners = models.ManyToManyField(
        Partner, through="AgreementPartner", related_name="agreements", verbose_name=_("partners")
    )
    partner_category = models.CharField(
        _("partner category"), max_length=30, choices=PartnerCategory.choices
    )
    agreement_type = models.CharField(
        _("agreement type"), max_length=30, choices=AgreementType.choices
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    entry_into_force = models.DateField(_("entry into force"), null=True, blank=True)
    expiry = models.DateField(_("expiry"), null=True, blank=True)
    value = models.DecimalField(
        _("value"),
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
    contribution = models.CharField(
        _("contribution"), max_length=10, choices=Contribution.choices, default=Contribution.NONE
    )
    objective = models.TextField(_("objective"), blank=True)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addenda",
        help_text=_("For an addendum: the agreement it amends."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_FORCE
    )
    business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("business owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_agreements",
        limit_choices_to=staff_users,
    )
    # Open data: only agreements an officer marked publishable are counted on the public
    # figures page and exported to IATI. Off by default: an agreement may be confidential.
    publishable = models.BooleanField(
        _("publishable"),
        default=False,
        help_text=_(
            "Count this agreement in the public open-data figures (aggregates only) and "
            "publish it as an IATI activity (title, objective, partners, regions, areas, dates "
            "and value; never signatories, documents or notes)."
        ),
    )
    # PostgreSQL full-text document (title, partner names, objective); unused on SQLite.
    search_document = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partnership agreement")
        # The table kept its name when the model was renamed from `Agreement` (raw SQL in the
        # facet queries and benches, and the GIN index of migration 0002, name it).
        db_table = "register_agreement"
        ordering = ["-signed_on", "reference"]
        indexes = [
            models.Index(fields=["agreement_type", "signed_on"], name="register_agr_type_year"),
            models.Index(fields=["partner_category"], name="register_agr_category"),
            models.Index(fields=["contribution"], name="register_agr_contribution"),
            models.Index(fields=["value"], name="register_agr_value"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="register_agreement_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        return reverse("register:agreement", args=[self.pk])

    def clean(self):
        errors = {}
        if self.value is not None and not self.currency:
            errors["currency"] = _("Give the currency of the value.")
        if self.amends_id and self.agreement_type != AgreementType.ADDENDUM:
            errors["amends"] = _("Only an addendum amends another agreement.")
        if self.amends_id and self.pk and self.amends_id == self.pk:
            errors["amends"] = _("An agreement cannot amend itself.")
        if self.status != Status.DRAFT and not self.signed_on:
            errors["signed_on"] = _("A signed agreement needs its signature date.")
        if self.expiry and self.entry_into_force and self.expiry < self.entry_into_force:
            errors["expiry"] = _("The expiry is before the entry into force.")
        # The same rules as the CSV import (csvrows.py).
        if self.signed_on and self.signed_on > timezone.localdate():
            errors["signed_on"] = _("The signature date is in the future.")
        if self.signed_on and self.entry_into_force and self.entry_into_force < self.signed_on:
            errors["entry_into_force"] = _("The entry into force is before the signature.")
        if self.contribution == Contribution.CASH and self.value is None:
            errors["value"] = _("A cash contribution needs its value.")
        if self.reference and "reference" not in errors:
            twin = self._same_reference()
            if twin is not None:
                errors["reference"] = _(
                    "“%(other)s” is the same reference (case and spaces are ignored)."
                ) % {"other": twin}
        if errors:
            raise ValidationError(errors)

    def _same_reference(self) -> str | None:
        """Another agreement's reference equal to this one once case and spaces are ignored."""

        key = normalise_reference(self.reference)
        candidates = (
            PartnershipAgreement.objects.exclude(pk=self.pk)
            .annotate(key=Upper(Replace("reference", models.Value(" "), models.Value(""))))
            .filter(key=key)
        )
        for reference in candidates.values_list("reference", flat=True)[:5]:
            if normalise_reference(reference) == key:
                return reference
        return None

    @property
    def is_addendum(self) -> bool:
        return self.agreement_type == AgreementType.ADDENDUM

    # The three lists below read prefetched rows when there are any (see `with_lists`).
    @property
    def region_codes(self) -> list[str]:
        codes = {link.code for link in self.region_links.all()}
        return [code for code in vocabulary_codes(Region) if code in codes]

    @property
    def area_codes(self) -> list[str]:
        codes = {link.code for link in self.area_links.all()}
        return [code for code in vocabulary_codes(AreaOfAction) if code in codes]

    @property
    def partner_list(self) -> list[Partner]:
        return [link.partner for link in self.partner_links.all()]

    def region_labels(self) -> list[str]:
        return [Region(code).label for code in self.region_codes]

    def area_labels(self) -> list[str]:
        return [AreaOfAction(code).label for code in self.area_codes]


def with_lists(queryset):
    """Prefetch partners, regions and areas so listing many agreements costs four queries."""
    return queryset.select_related("amends").prefetch_related(
        models.Prefetch(
            "partner_links",
            queryset=AgreementPartner.objects.select_related("partner").order_by("sort_order"),
        ),
        "region_links",
        "area_links",
    )


class AgreementPartner(Orderable):
    agreement = ParentalKey(
        PartnershipAgreement, on_delete=models.CASCADE, related_name="partner_links"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="agreement_links"
    )

    class Meta(Orderable.Meta):
        verbose_name = _("partner of an agreement")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "partner"], name="register_one_link_per_partner"
            )
        ]

    def __str__(self):
        return str(self.partner)


class AgreementRegion(models.Model):
    agreement = models.ForeignKey(
        PartnershipAgreement, on_delete=models.CASCADE, related_name="region_links"
    )
    code = models.CharField(_("beneficiary region"), max_length=3, choices=Region.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "code"], name="register_one_row_per_region"
            )
        ]
        indexes = [models.Index(fields=["code", "agreement"], name="register_region_code")]

    def __str__(self):
        return self.code


class AgreementArea(models.Model):
    agreement = models.ForeignKey(
        PartnershipAgreement, on_delete=models.CASCADE, related_name="area_links"
    )
    code = models.CharField(_("area of action"), max_length=30, choices=AreaOfAction.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="register_one_row_per_area")
        ]
        indexes = [models.Index(fields=["code", "agreement"], name="register_area_code")]

    def __str__(self):
        return self.code


class Signatory(Orderable):
    agreement = ParentalKey(
        PartnershipAgreement, on_delete=models.CASCADE, related_name="signatories"
    )
    side = models.CharField(_("side"), max_length=10, choices=SignatorySide.choices)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")

    def __str__(self):
        return f"{self.name} ({self.get_side_display()})"


class AgreementDocument(Orderable):
    """A PDF of the agreement; stored outside MEDIA_ROOT and served only to register readers."""

    agreement = ParentalKey(
        PartnershipAgreement, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("PDF file"),
        storage=private_document_storage,
        upload_to="agreements/%Y/%m/",
        validators=[validate_pdf],
        max_length=255,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta(Orderable.Meta):
        verbose_name = _("document")

    def __str__(self):
        return self.title


class AuditEntry(models.Model):
    """Who changed what in the register, and when. Kept when the agreement is deleted."""

    agreement = models.ForeignKey(
        PartnershipAgreement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    source = models.CharField(_("source"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), db_index=True)
    # {field: [old, new]} with values as exported (strings, lists of codes or names).
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("register audit entry")
        verbose_name_plural = _("register audit entries")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.reference} {self.action} {self.at:%Y-%m-%d %H:%M}"


class BitmaskField(models.PositiveIntegerField):
    """A set of codes as bits of an integer; `field__hasany=mask` keeps rows sharing a bit."""


@BitmaskField.register_lookup
class HasAny(models.Lookup):
    lookup_name = "hasany"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} & {rhs}) <> 0", [*lhs_params, *rhs_params]


class AgreementFacet(models.Model):
    """One narrow row per agreement with what the search tool counts and the statistics add
    up: regions and areas as bit masks, so every facet count and every statistic is one scan
    of a small table (the KPIs' agreement figures too, by year, status and business owner).
    Derived data, rewritten by `facets.refresh` whenever the agreement or its lists change (all
    writes go through the register's services)."""

    agreement = models.OneToOneField(
        PartnershipAgreement, primary_key=True, on_delete=models.CASCADE, related_name="facet"
    )
    # The signature date, or the earliest date for a draft, so drafts sort last (an index
    # cannot say NULLS LAST on SQLite).
    recency = models.DateField()
    year = models.PositiveSmallIntegerField(null=True)
    agreement_type = models.CharField(max_length=30)
    partner_category = models.CharField(max_length=30)
    contribution = models.CharField(max_length=10)
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    currency = models.CharField(max_length=3, blank=True)
    # The value in the reporting currency (the agreement's `reporting_amount`).
    reporting_value = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    region_mask = BitmaskField(default=0)
    area_mask = BitmaskField(default=0)
    # What the KPIs filter on (drafts are no agreement yet; whose figures they are).
    status = models.CharField(max_length=12, default="")
    business_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                models.F("recency").desc(),
                models.F("agreement").desc(),
                name="register_facet_recent",
            ),
            models.Index(fields=["year", "agreement_type"], name="register_facet_year_type"),
        ]

    def __str__(self):
        return f"facets of agreement {self.agreement_id}"


class PartnerFacet(models.Model):
    """One narrow row per (agreement, partner) link with what ranks partners and counts new
    partners: the agreement's year, status, type, value, currency and its regions and areas as
    bit masks. "Partners to approach" is then one grouped scan of this table, and "new
    partners" an anti-join on it, without touching the wide agreements table. Derived data,
    rewritten by `facets.refresh` with the agreement's `AgreementFacet` (same writes)."""

    agreement = models.ForeignKey(
        PartnershipAgreement, on_delete=models.CASCADE, related_name="partner_facets"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="facets")
    year = models.PositiveSmallIntegerField(null=True)
    status = models.CharField(max_length=12)
    agreement_type = models.CharField(max_length=30)
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    currency = models.CharField(max_length=3, blank=True)
    region_mask = BitmaskField(default=0)
    area_mask = BitmaskField(default=0)
    # `facets.evidence_weight(status, value)`: the ranking adds it up, weighed by age.
    weight = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "partner"], name="register_one_facet_per_link"
            )
        ]
        indexes = [
            models.Index(fields=["partner", "year"], name="register_pfacet_partner"),
            models.Index(fields=["year", "partner"], name="register_pfacet_year"),
        ]

    def __str__(self):
        return f"facets of agreement {self.agreement_id} for partner {self.partner_id}"


class ImportJob(models.Model):
    """A large CSV import run by a worker (`tasks.run_import_job`): the uploaded file is kept
    under DATA_DIR/private while it runs and deleted after; the admin page shows the progress
    and, at the end, the errors or the counts."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    # Relative to DATA_DIR/private; blank once the file is deleted.
    path = models.CharField(max_length=255, blank=True)
    dry_run = models.BooleanField(default=True)
    update = models.BooleanField(default=False)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    # The first errors as printed ("line N: column: reason"), and how many more there were.
    errors = models.JSONField(default=list)
    more_errors = models.PositiveIntegerField(default=0)
    # Counts (created, updated, unchanged) and the updates' diff, once done.
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("register import job")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
