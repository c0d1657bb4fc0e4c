"""Finance documents: receipts, invoices and credit notes, the sequences that number them, and
the finance settings (the bank details invoices print).

Each document is a snapshot (payer, lines, amounts, method) taken when it is issued and never
changed afterwards: `save()` on an existing document and every `delete()` raise
`ImmutableDocument`, whether called on an instance or a queryset. A correction is a new
document (a credit note refers to the receipt it corrects). Numbers come from `numbering.py`:
`<SERIES>-<year>-<5 digits>`, per calendar year, without gaps.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from marketplace.core.reporting import REPORTING_FIELDS, ReportingValue


class ImmutableDocument(Exception):
    """Someone tried to change or delete an issued finance document."""


def _fill_reporting(queryset, allowed, **values) -> int:
    """Value rows that had no rate on their date (`rates.py`): only the reporting fields, and
    only on rows that have none yet, so what was issued never changes."""
    if not values or not set(values) <= set(allowed):
        raise ValueError(f"Only {', '.join(allowed)} may be filled in.")
    return models.QuerySet.update(queryset.filter(reporting_amount__isnull=True), **values)


class DocumentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableDocument(_("An issued document cannot be changed."))

    def fill_reporting(self, **values) -> int:
        return _fill_reporting(self, REPORTING_FIELDS, **values)

    def delete(self):
        raise ImmutableDocument(_("An issued document cannot be deleted."))


class IssuedDocument(ReportingValue):
    """What receipts, invoices and credit notes share: a number, a payer snapshot, lines, an
    amount with its currency (and its value in the reporting currency on the day it was issued,
    `rates.py`), and immutability."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    pledge = models.ForeignKey(
        "pledges.Pledge", verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    payer = models.JSONField(_("payer"), default=dict, editable=False)
    lines = models.JSONField(_("lines"), default=list, editable=False)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, editable=False)
    currency = models.CharField(_("currency"), max_length=3, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = DocumentQuerySet.as_manager()
    wagtail_reference_index_ignore = True  # no admin "usage" needed; saves queries

    class Meta:
        abstract = True
        ordering = ["-year", "-sequence"]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocument(
                _("%(number)s is issued and cannot be changed.") % {"number": self.number}
            )
        if not self.reporting_currency:
            # Here, not at the top: reporting.py reads these models (and the payments' flags).
            from marketplace.finance.reporting import value_document

            value_document(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument(
            _("%(number)s is issued and cannot be deleted.") % {"number": self.number}
        )

    @property
    def payer_name(self) -> str:
        return self.payer.get("legal_name", "")


class Receipt(IssuedDocument):
    """Money received for a pledge: `RCPT-<year>-<5 digits>`, issued when the pledge is paid in
    full (and for any later payment on it)."""

    method = models.CharField(_("payment method"), max_length=20, editable=False)
    payments = models.JSONField(_("payments"), default=list, editable=False)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("receipt")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="receipt_year_sequence")
        ]


class InvoiceStatus(models.TextChoices):
    """An invoice's state, derived (never stored: the invoice is immutable) from the pledge's
    balance and the credit note that voids it (`invoices.invoice_status`)."""

    OPEN = "open", _("Open")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    VOID = "void", _("Void")


class Invoice(IssuedDocument):
    """What a sponsor paying by bank transfer is asked to pay: `INV-<year>-<5 digits>`, with
    the bank details and the pledge reference as the payment reference. A pledge has one
    current invoice; re-issuing one (another billing address, a purchase-order number) voids
    it by a credit note and issues its replacement (`replaces`)."""

    due_date = models.DateField(_("due date"), editable=False)
    payment_reference = models.CharField(_("payment reference"), max_length=20, editable=False)
    bank = models.JSONField(_("bank details"), default=dict, editable=False)
    po_number = models.CharField(
        _("purchase-order number"), max_length=60, blank=True, editable=False
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        editable=False,
    )

    class Meta(IssuedDocument.Meta):
        verbose_name = _("invoice")
        permissions = [("reissue_invoice", _("Can re-issue an invoice"))]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_year_sequence"),
            # One first invoice per pledge; every later one replaces a voided one.
            models.UniqueConstraint(
                fields=["pledge"],
                condition=models.Q(replaces__isnull=True),
                name="one_first_invoice_per_pledge",
            ),
        ]

    @property
    def is_void(self) -> bool:
        try:
            return self.void_note is not None
        except CreditNote.DoesNotExist:
            return False


class CreditNote(IssuedDocument):
    """`CN-<year>-<5 digits>`: either a refund of receipted money, referring to the receipt it
    corrects (and the refund), or the cancellation of an invoice, referring to the invoice it
    voids (its lines negated, as pretix's cancellation documents)."""

    receipt = models.ForeignKey(
        Receipt,
        verbose_name=_("receipt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        editable=False,
    )
    refund = models.OneToOneField(
        "payments.Refund",
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_note",
        editable=False,
    )
    invoice = models.OneToOneField(
        Invoice,
        verbose_name=_("voids invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="void_note",
        editable=False,
    )
    reason = models.TextField(_("reason"), blank=True, editable=False)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("credit note")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="credit_note_year_sequence"),
            models.CheckConstraint(
                condition=(
                    models.Q(receipt__isnull=False, refund__isnull=False, invoice__isnull=True)
                    | models.Q(receipt__isnull=True, refund__isnull=True, invoice__isnull=False)
                ),
                name="credit_note_corrects_a_receipt_or_voids_an_invoice",
            ),
        ]

    @property
    def corrects(self) -> str:
        """The number of the document it corrects (receipt) or voids (invoice)."""
        return self.receipt.number if self.receipt_id else self.invoice.number


class PaymentAcknowledgement(IssuedDocument):
    """`ACK-<year>-<5 digits>`: that part of a pledge's money arrived, what it has received so
    far and what is still due. Not a receipt: the receipt is issued once the pledge is paid in
    full, for every payment (README, "Part-payments")."""

    payment = models.OneToOneField(
        "payments.Payment",
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="acknowledgement",
        editable=False,
    )
    received_to_date = models.DecimalField(
        _("received to date"), max_digits=14, decimal_places=2, editable=False
    )
    due_after = models.DecimalField(_("still due"), max_digits=14, decimal_places=2, editable=False)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("payment acknowledgement")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="acknowledgement_year_sequence"
            )
        ]


class Sequence(models.Model):
    """The last number issued in a series for a year. Its row is locked by the transaction that
    issues the next number, so numbers are consecutive and a rolled-back issue frees its
    number for the next one."""

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="one_sequence_per_year")
        ]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last}"


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    ACKNOWLEDGEMENT = "acknowledgement", _("Payment acknowledgement")


class Delivery(models.Model):
    """That a document's PDF was emailed (once), to whom and when: the documents task checks it
    so running twice sends once."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    number = models.CharField(max_length=20)
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document delivery")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="one_delivery_per_document")
        ]

    def __str__(self):
        return f"{self.number} → {', '.join(self.recipients)}"


@register_setting(icon="doc-full")
class FinanceSettings(BaseSiteSetting):
    """Who issues the finance documents and the bank account sponsors pay by transfer, printed
    on invoices, receipts, credit notes and acknowledgements (each invoice keeps a copy taken
    when it is issued). Admin: Settings → Bank details. Blank issuer fields fall back to the
    site's organisation (`DOCUMENT_ISSUER`)."""

    issuer_legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    issuer_postal_address = models.TextField(
        _("postal address"), blank=True, help_text=_("Street, postcode and town, country.")
    )
    issuer_tax_status = models.CharField(
        _("tax status"),
        max_length=200,
        blank=True,
        help_text=_("For example: exempt from VAT as an international organisation."),
    )
    issuer_tax_id = models.CharField(_("tax id"), max_length=60, blank=True)
    tax_label = models.CharField(
        _("tax name"), max_length=40, blank=True, help_text=_("For example: VAT.")
    )
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Leave blank when no tax applies; 0 prints a zero-rated line. Prices include it."
        ),
    )
    bank_name = models.CharField(_("bank name"), max_length=200, blank=True)
    bank_account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bank_bic = models.CharField(_("BIC / SWIFT"), max_length=11, blank=True)
    bank_address = models.TextField(_("bank address"), blank=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("issuer_legal_name"),
                FieldPanel("issuer_postal_address"),
                FieldPanel("issuer_tax_status"),
                FieldPanel("issuer_tax_id"),
            ],
            heading=_("Issuer of documents"),
        ),
        MultiFieldPanel(
            [FieldPanel("tax_label"), FieldPanel("tax_rate")],
            heading=_("Tax"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("bank_name"),
                FieldPanel("bank_account_holder"),
                FieldPanel("bank_iban"),
                FieldPanel("bank_bic"),
                FieldPanel("bank_address"),
            ],
            heading=_("Bank details for invoices"),
        ),
    ]

    class Meta:
        verbose_name = _("bank details")


class LedgerImmutable(Exception):
    """Someone tried to change or delete a posted journal entry or line."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable(_("A posted journal entry cannot be changed."))

    def fill_reporting(self, **values) -> int:
        return _fill_reporting(self, REPORTING_FIELDS, **values)

    def fill_line_reporting(self, **values) -> int:
        if not values or not set(values) <= {"reporting_debit", "reporting_credit"}:
            raise ValueError("Only reporting_debit and reporting_credit may be filled in.")
        rows = self.filter(reporting_debit__isnull=True, reporting_credit__isnull=True)
        return models.QuerySet.update(rows, **values)

    def delete(self):
        raise LedgerImmutable(_("A posted journal entry cannot be deleted."))


class PostingKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice issued")
    SALE = "sale", _("Sale recognised on payment")
    PAYMENT = "payment", _("Payment received")
    REFUND = "refund", _("Refund paid")
    CREDIT_NOTE = "credit_note", _("Credit note issued")
    STRIPE_FEE = "stripe_fee", _("Stripe fee")
    PAYOUT = "payout", _("Stripe payout to the bank")
    BANK_CHARGE = "bank_charge", _("Bank charge")
    WRITE_OFF = "write_off", _("Write-off")
    UNALLOCATED_RECEIPT = "unallocated_receipt", _("Unallocated money received")
    ALLOCATION = "allocation", _("Allocation of unallocated money")
    UNALLOCATED_RETURN = "unallocated_return", _("Unallocated money returned")


class JournalEntry(ReportingValue):
    """One balanced posting of the double-entry ledger (`marketplace/finance/ledger.py`), written
    in the transaction of the money event it records and never changed (but for its value in
    the reporting currency, filled in once when a missing rate is recorded — `rates.py`;
    `reporting_amount` is then the total of its debits, which equals that of its credits):
    `save()` on a posted entry, `delete()` and queryset `update()`/`delete()` raise
    `LedgerImmutable`. A correction
    is a new entry. `source` is unique, so an event posts once however often its step runs."""

    wagtail_reference_index_ignore = True  # no admin "usage" needed; saves queries

    source = models.CharField(_("source"), max_length=120, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=PostingKind.choices, editable=False)
    date = models.DateField(_("date"), editable=False, db_index=True)
    currency = models.CharField(_("currency"), max_length=3, editable=False)
    document = models.CharField(_("document"), max_length=100, blank=True, editable=False)
    description = models.CharField(_("description"), max_length=255, blank=True, editable=False)
    organisation = models.ForeignKey(
        "sponsors.Organisation",
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    payment = models.ForeignKey(
        "payments.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    refund = models.ForeignKey(
        "payments.Refund",
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    credit_note = models.ForeignKey(
        CreditNote,
        verbose_name=_("credit note"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    posted_at = models.DateTimeField(_("posted at"), default=timezone.now, editable=False)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"JE-{self.pk} {self.get_kind_display()} {self.document}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutable(_("A posted journal entry cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(_("A posted journal entry cannot be deleted."))

    @property
    def number(self) -> str:
        return f"JE-{self.pk:07d}" if self.pk else ""


class JournalLine(models.Model):
    """A debit or a credit of one account in a journal entry; the entry's event is the cost
    object of revenue (and of every line that concerns a pledge)."""

    wagtail_reference_index_ignore = True

    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="lines", editable=False
    )
    account = models.CharField(_("account"), max_length=20, editable=False)
    debit = models.DecimalField(
        _("debit"), max_digits=14, decimal_places=2, default=0, editable=False
    )
    credit = models.DecimalField(
        _("credit"), max_digits=14, decimal_places=2, default=0, editable=False
    )
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # In the entry's reporting currency at the entry's rate; blank when it has no rate. The
    # reporting debits of an entry equal its reporting credits (`ledger.reporting_legs`).
    reporting_debit = models.DecimalField(
        _("debit (reporting currency)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    reporting_credit = models.DecimalField(
        _("credit (reporting currency)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal line")
        ordering = ["entry_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(debit__gt=0, credit=0) | models.Q(debit=0, credit__gt=0)),
                name="journal_line_one_side_positive",
            )
        ]
        indexes = [models.Index(fields=["account", "entry"], name="journal_line_account")]

    def __str__(self):
        return f"{self.account} Dr {self.debit} Cr {self.credit}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutable(_("A posted journal line cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable(_("A posted journal line cannot be deleted."))


# Stripe's payouts and their balance transactions (fees), and money received outside the
# documents (adjustments, unallocated transfers): their own modules, loaded with the app's models.
from marketplace.finance.payout_records import (  # noqa: E402, F401
    BalanceTransaction,
    Payout,
    PayoutChange,
)

# Rates of exchange (the reporting currency's values): their own module.
from marketplace.finance.rates import ExchangeRate  # noqa: E402, F401
from marketplace.finance.receivables import (  # noqa: E402, F401
    Adjustment,
    AdjustmentKind,
    Allocation,
    UnallocatedChange,
    UnallocatedStatus,
    UnallocatedTransfer,
)

# Imported bank statements and their lines: their own package (`finance/statements/`), loaded
# with the app's models.
from marketplace.finance.statements.models import (  # noqa: E402, F401
    BankStatement,
    LineRule,
    LineState,
    StatementFormat,
    StatementLine,
)
