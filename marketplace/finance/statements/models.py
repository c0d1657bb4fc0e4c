"""The models of imported bank statements: one `BankStatement` per statement of a file (who
imported it, the file's SHA-256, the balances, the summary) and one `StatementLine` per
transaction on it, with the state the matcher gave it and the rule that decided it. Loaded
with finance's models (`finance/models.py` imports them), so they live in finance's app and
migrations. The services are `importer.py` (one transaction per file) and `matching.py`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import format_money


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", _("ISO 20022 camt.053")
    MT940 = "mt940", _("SWIFT MT940")
    CSV = "csv", _("CSV (bank export)")


class LineState(models.TextChoices):
    MATCHED = "matched", _("Matched")
    PARTLY_MATCHED = "partly_matched", _("Partly matched")
    UNALLOCATED = "unallocated", _("Unallocated")
    DUPLICATE = "duplicate", _("Duplicate")
    IGNORED = "ignored", _("Ignored")


class LineRule(models.TextChoices):
    """The rule that decided a line's state (shown beside it on the review screen)."""

    AMOUNT_DUE = "amount_due", _("Reference found, amount equal to what is due")
    PART_PAYMENT = "part_payment", _("Reference found, less than what is due: part-payment")
    OVERPAYMENT = "overpayment", _("Reference found, more than what is due: over-payment flagged")
    NOT_PAYABLE = "not_payable", _("Reference found, the pledge owes nothing: flagged")
    OTHER_CURRENCY = "other_currency", _("Reference found, in another currency: flagged")
    SEVERAL_REFERENCES = "several_references", _("Several pledges named: allocate by hand")
    NO_REFERENCE = "no_reference", _("No invoice number or pledge reference found")
    PAYOUT = "payout", _("Stripe payout")
    BANK_REFERENCE_SEEN = "bank_reference_seen", _("The bank's entry reference was seen before")
    CHECKSUM_SEEN = "checksum_seen", _("Same date, amount, payer and remittance seen before")
    RECORDED_BY_HAND = "recorded_by_hand", _("Already recorded by hand")
    OUTGOING = "outgoing", _("Outgoing payment")
    BANK_CHARGE = "bank_charge", _("Bank charge debited")
    REVERSAL = "reversal", _("Reversal of an earlier credit")


class BankStatement(models.Model):
    """One statement imported from a file, for one configured bank account. Never edited: its
    lines carry the decisions."""

    wagtail_reference_index_ignore = True

    iban = models.CharField(_("IBAN"), max_length=34)
    currency = models.CharField(_("currency"), max_length=3)
    ledger_account = models.CharField(_("ledger bank account"), max_length=20)
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    profile = models.CharField(_("CSV profile"), max_length=40, blank=True)
    statement_id = models.CharField(_("statement id"), max_length=120, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    opening_balance = models.DecimalField(
        _("opening balance"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    closing_balance = models.DecimalField(
        _("closing balance"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("bank statement")
        ordering = ["-imported_at", "-pk"]
        permissions = [("import_statement", _("Can import a bank statement"))]

    def __str__(self):
        return f"{self.iban} {self.statement_id or self.file_name}"


class StatementLine(models.Model):
    """One transaction of a statement and what became of it: exactly one state, the rule that
    decided it, and what it was recorded as (a pledge's payment or unallocated money)."""

    wagtail_reference_index_ignore = True

    statement = models.ForeignKey(
        BankStatement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="lines"
    )
    position = models.PositiveIntegerField(_("line"))
    bank_reference = models.CharField(_("bank reference"), max_length=120, blank=True)
    # The bank's reference, or a checksum when it gives none: a line is recorded once.
    dedupe_key = models.CharField(max_length=200, editable=False)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    is_credit = models.BooleanField(_("credit"))
    is_reversal = models.BooleanField(_("reversal"), default=False)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    payer_account = models.CharField(_("payer's account"), max_length=60, blank=True)
    remittance = models.TextField(_("remittance information"), blank=True)
    references = models.CharField(_("references found"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=LineState.choices)
    rule = models.CharField(_("rule"), max_length=24, choices=LineRule.choices)
    note = models.TextField(_("decision"), blank=True)
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invoice = models.ForeignKey(
        "finance.Invoice",
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment = models.ForeignKey(
        "payments.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer = models.ForeignKey(
        "finance.UnallocatedTransfer",
        verbose_name=_("unallocated transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_lines",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("bank statement line")
        ordering = ["statement_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(state="duplicate"),
                name="statement_line_recorded_once",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="statement_line_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["state"], name="statement_line_state")]

    def __str__(self):
        return f"{self.statement_id}/{self.position}: {format_money(self.amount, self.currency)}"

    @property
    def signed_amount(self):
        return self.amount if self.is_credit else -self.amount
