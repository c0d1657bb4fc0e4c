"""Payments: each attempt to pay a pledge (card checkout or a received bank transfer), its
refunds, the Stripe events received, and the flags that ask finance for a decision.

Rules live in services: `checkout.py` (card), `bank.py` (transfers), `settlement.py` (the one
place money is counted against a pledge), `refunds.py`, `webhooks.py`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import StateChange
from marketplace.core.reporting import ReportingValue
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod


class Payment(ReportingValue):
    """One attempt to pay a pledge: a Stripe Checkout Session, or a bank transfer finance
    recorded as received. `amount` is what the attempt asks for (card) or what arrived (bank).
    Once received, finance stores its value in the reporting currency on its value date (the
    `reporting_*` fields, filled when the ledger posts it: payments cannot read the rates)."""

    wagtail_reference_index_ignore = True  # no admin "usage" needed; saves queries

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    attempt = models.PositiveIntegerField(_("attempt"))
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # Card (Stripe Checkout).
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    stripe_session_id = models.CharField(
        _("Stripe session"), max_length=255, unique=True, null=True, blank=True
    )
    stripe_payment_intent = models.CharField(
        _("Stripe payment intent"), max_length=255, blank=True, db_index=True
    )
    checkout_url = models.TextField(blank=True)
    session_expires_at = models.DateTimeField(_("checkout expires at"), null=True, blank=True)
    # Bank transfer.
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)

    receipt = models.ForeignKey(
        "finance.Receipt",
        verbose_name=_("receipt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipted_payments",
    )
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    succeeded_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("record_transfer", _("Can record a received bank transfer")),
            ("refund_payment", _("Can refund a payment")),
            ("resolve_flag", _("Can resolve a payment flag")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "attempt"], name="one_payment_per_attempt"),
            models.UniqueConstraint(
                fields=["bank_reference"],
                condition=Q(method="bank_transfer") & ~Q(bank_reference=""),
                name="one_payment_per_bank_reference",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.pledge.reference} #{self.attempt}"

    @property
    def refunded_amount(self) -> Decimal:
        """Refunded or being refunded (a refund sent to Stripe but not confirmed counts)."""
        total = self.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("amount"))["s"]
        return total or Decimal("0")

    @property
    def refundable_amount(self) -> Decimal:
        if self.status != PaymentStatus.SUCCEEDED:
            return Decimal("0")
        return self.amount - self.refunded_amount

    @property
    def open_flags(self):
        return self.flags.filter(resolved_at__isnull=True)


class PaymentChange(StateChange):
    """One entry of a payment's audit log: who moved it, when, from which state to which, why."""

    wagtail_reference_index_ignore = True  # no admin "usage" needed; saves queries

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="history")

    class Meta(StateChange.Meta):
        verbose_name = _("payment history entry")
        verbose_name_plural = _("payment history")

    def __str__(self):
        return f"{self.payment}: {self.from_state or '∅'} → {self.to_state}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Sent, awaiting confirmation")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class RefundSource(models.TextChoices):
    ADMIN = "admin", _("Finance, in the admin")
    STRIPE = "stripe", _("Stripe (outside the admin)")


class Refund(models.Model):
    """Money given back from a payment: through Stripe's Refund API for a card payment, or a
    manual transfer finance records for a bank payment."""

    wagtail_reference_index_ignore = True  # no admin "usage" needed; saves queries

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    source = models.CharField(
        _("source"), max_length=10, choices=RefundSource.choices, default=RefundSource.ADMIN
    )
    reason = models.TextField(_("reason"), blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self):
        return f"{self.currency} {self.amount} from {self.payment}"


class WebhookEvent(models.Model):
    """A Stripe event processed once: written in the same transaction as its effects, so a
    replay finds it and does nothing, and a failure leaves no row (Stripe retries)."""

    wagtail_reference_index_ignore = True  # no admin "usage" needed; saves queries

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.event_id} ({self.type})"


class FlagKind(models.TextChoices):
    AMOUNT_MISMATCH = "amount_mismatch", _("Amount does not match the pledge")
    CURRENCY_MISMATCH = "currency_mismatch", _("Currency does not match the pledge")
    REFERENCE_MISMATCH = "reference_mismatch", _("Reference does not match the pledge")
    UNKNOWN_REFERENCE = "unknown_reference", _("No pledge with this reference")
    LATE_NO_SLOTS = "late_no_slots", _("Paid after the hold expired, slots gone: refund?")
    NOT_PAYABLE = "not_payable", _("Paid for a pledge that no longer takes payment: refund?")
    OVERPAYMENT = "overpayment", _("More received than the pledge's total: refund the balance?")
    DISPUTE = "dispute", _("The card holder disputed the payment")
    REFUND_OUTSIDE = "refund_outside", _("Refunded in Stripe, outside the admin")
    UNKNOWN_CHARGE = "unknown_charge", _("Stripe moved money we have no record of")
    STRIPE_BALANCE = "stripe_balance", _("Stripe's balance differs from the clearing account")
    MISSING_RATE = "missing_rate", _("No rate of exchange for the date: no reporting value")


class Flag(models.Model):
    """Something finance must look at and decide. Open until resolved with a note."""

    wagtail_reference_index_ignore = True  # no admin "usage" needed; saves queries

    key = models.CharField(max_length=255, unique=True)  # one flag per cause, however often seen
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
    )
    pledge = models.ForeignKey(
        "pledges.Pledge",
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stripe_event_id = models.CharField(_("Stripe event"), max_length=255, blank=True)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("flag for finance")
        verbose_name_plural = _("flags for finance")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message[:60]}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
