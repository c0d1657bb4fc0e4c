"""What Stripe paid out and why: its payouts and the balance transactions each one carries.

A `Payout` is Stripe sending the account's balance to the bank (`po_…`, net of fees); each
`BalanceTransaction` (`txn_…`) is one movement of that balance — a charge (gross, Stripe's fee,
net), a refund, an adjustment — tied to our payment when we know it. Both are written by
`payouts.py` only, keyed on Stripe's ids, so reading the same payout twice changes nothing.
Loaded with the app's models (`models.py` imports them).
"""

from decimal import Decimal

from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import StateChange

ZERO = Decimal("0.00")


class PayoutStatus(models.TextChoices):
    # Stripe's own states of a payout.
    PENDING = "pending", _("Pending")
    IN_TRANSIT = "in_transit", _("In transit")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")


class Payout(models.Model):
    """Money Stripe sent to our bank: the net of the balance transactions it carries. Posted
    once to the ledger (bank Dr, Stripe clearing Cr) when it is reconciled; the bank statement's
    line, when it arrives, is linked to it and posts nothing more."""

    wagtail_reference_index_ignore = True

    stripe_id = models.CharField(_("Stripe payout"), max_length=255, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PayoutStatus.choices)
    statement_descriptor = models.CharField(_("statement descriptor"), max_length=255, blank=True)
    balance_transaction_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    # The bank statement's line that brought the payout in (finance's statements), if any.
    bank_line_id = models.BigIntegerField(_("bank statement line"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=255, blank=True)
    bank_matched_at = models.DateTimeField(_("matched to the bank at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stripe payout")
        verbose_name_plural = _("Stripe payouts")
        ordering = ["-arrival_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payout_amount_positive")
        ]

    def __str__(self):
        return self.stripe_id

    def totals(self) -> dict:
        """Gross, fees and net of the transactions it pays out (settlement currency)."""
        sums = self.transactions.aggregate(gross=Sum("amount"), fee=Sum("fee"), net=Sum("net"))
        return {key: value if value is not None else ZERO for key, value in sums.items()}


class PayoutChange(StateChange):
    """One step of a payout's life here: recorded, reconciled, matched to the bank."""

    wagtail_reference_index_ignore = True

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="history")

    class Meta(StateChange.Meta):
        verbose_name = _("payout history entry")
        verbose_name_plural = _("payout history")

    STEPS = {"reconciled": _("Reconciled"), "bank_matched": _("Matched to the bank statement")}

    @property
    def step_label(self) -> str:
        if self.to_state in PayoutStatus.values:
            return PayoutStatus(self.to_state).label
        return self.STEPS.get(self.to_state, self.to_state)


class BalanceTransaction(models.Model):
    """One movement of our Stripe balance (`txn_…`), recorded once: amount (gross), Stripe's
    fee and the net, in the account's settlement currency, with the payment (or refund) it
    belongs to, and the payout that paid it out once one has."""

    wagtail_reference_index_ignore = True

    class Type(models.TextChoices):
        CHARGE = "charge", _("Charge")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Adjustment")
        OTHER = "other", _("Other")

    stripe_id = models.CharField(_("balance transaction"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    stripe_type = models.CharField(_("Stripe type"), max_length=40)
    reporting_category = models.CharField(_("reporting category"), max_length=40, blank=True)
    source_id = models.CharField(_("source"), max_length=255, blank=True)
    amount = models.DecimalField(_("gross"), max_digits=14, decimal_places=2)
    fee = models.DecimalField(_("fee"), max_digits=14, decimal_places=2)
    net = models.DecimalField(_("net"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    created = models.DateTimeField(_("created at Stripe"))
    available_on = models.DateField(_("available on"), null=True, blank=True)
    payment = models.ForeignKey(
        "payments.Payment",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="balance_transactions",
    )
    refund = models.ForeignKey(
        "payments.Refund",
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payout = models.ForeignKey(
        Payout,
        verbose_name=_("payout"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    # Why it is not tied to anything we know (also raised as a flag for finance).
    problem = models.TextField(_("problem"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("Stripe balance transaction")
        ordering = ["created", "pk"]

    def __str__(self):
        return self.stripe_id
