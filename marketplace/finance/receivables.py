"""The models of money that is not a document: adjustments that settle a pledge without money
(bank charges, write-offs), and transfers that arrived matching no pledge (unallocated money)
with their allocations. The services that write them are in `unallocated.py`; loaded with the
app's models (`models.py` imports them).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import StateChange
from marketplace.core.money import format_money


class AdjustmentKind(models.TextChoices):
    BANK_CHARGE = "bank_charge", _("Bank charges")
    WRITE_OFF = "write_off", _("Written off")


class Adjustment(models.Model):
    """What a pledge no longer owes without money arriving: the bank's charges deducted from a
    transfer (within `BANK_CHARGE_TOLERANCE`), or a small remainder finance writes off."""

    wagtail_reference_index_ignore = True

    pledge = models.ForeignKey(
        "pledges.Pledge", verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AdjustmentKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.TextField(_("reason"), blank=True)
    transfer = models.ForeignKey(
        "finance.UnallocatedTransfer",
        verbose_name=_("transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("balance adjustment")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("book_bank_charge", _("Can book bank charges on a pledge")),
            ("write_off", _("Can write off a small remaining due")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="adjustment_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {format_money(self.amount, self.currency)}"


class UnallocatedStatus(models.TextChoices):
    UNALLOCATED = "unallocated", _("Unallocated")
    PARTLY_ALLOCATED = "partly_allocated", _("Partly allocated")
    ALLOCATED = "allocated", _("Allocated")
    TO_RETURN = "to_return", _("To be returned")
    RETURNED = "returned", _("Returned")


class UnallocatedTransfer(models.Model):
    """Money that arrived on the bank account but matches no pledge (a mistyped reference,
    another currency): kept here until finance allocates it to one or several pledges, or
    marks it to be returned and then records it returned (the date and the bank's reference of
    the money sent back). Every step is in its history (`UnallocatedChange`)."""

    wagtail_reference_index_ignore = True

    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    value_date = models.DateField(_("value date"))
    bank_reference = models.CharField(_("bank reference"), max_length=90, unique=True)
    payer_name = models.CharField(_("payer, as on the statement"), max_length=200, blank=True)
    quoted_reference = models.CharField(_("reference quoted"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=UnallocatedStatus.choices,
        default=UnallocatedStatus.UNALLOCATED,
    )
    returned_amount = models.DecimalField(
        _("amount returned"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reference = models.CharField(
        _("bank reference of the return"), max_length=90, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unallocated transfer")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("record_unallocated", _("Can record a transfer matching no pledge")),
            ("allocate_transfer", _("Can allocate unallocated money")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="unallocated_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.bank_reference} ({format_money(self.amount, self.currency)})"

    @property
    def allocated_amount(self) -> Decimal:
        return self.allocations.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")

    @property
    def remaining(self) -> Decimal:
        """What is still held for the payer: received, less allocated, less sent back."""
        return self.amount - self.allocated_amount - (self.returned_amount or Decimal("0.00"))


class UnallocatedChange(StateChange):
    """One step of an unallocated transfer: recorded, allocated (to what), marked to return,
    returned."""

    wagtail_reference_index_ignore = True

    transfer = models.ForeignKey(
        UnallocatedTransfer, on_delete=models.CASCADE, related_name="history"
    )

    class Meta(StateChange.Meta):
        verbose_name = _("unallocated transfer history entry")
        verbose_name_plural = _("unallocated transfer history")

    def __str__(self):
        return f"{self.transfer}: {self.from_state or '∅'} → {self.to_state}"

    @property
    def to_label(self) -> str:
        try:
            return str(UnallocatedStatus(self.to_state).label)
        except ValueError:
            return self.to_state


class Allocation(models.Model):
    """Part (or all) of an unallocated transfer applied to a pledge: it became that pledge's
    payment (`payment`), settled like any transfer."""

    wagtail_reference_index_ignore = True

    transfer = models.ForeignKey(
        UnallocatedTransfer,
        verbose_name=_("transfer"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    pledge = models.ForeignKey(
        "pledges.Pledge", verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(
        "finance.Invoice",
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment = models.OneToOneField(
        "payments.Payment",
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="allocation",
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("allocation")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.transfer.bank_reference} → {self.pledge.reference}: {self.amount}"
