"""What a pledge has received, what went back, and what is still due; and whether it can be
paid now. Read by settlement, the portal, the admin and the API."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.payments.models import Payment, Refund, RefundStatus
from marketplace.payments.states import RECEIVED_STATES, PaymentStatus
from marketplace.pledges.models import WaitlistEntry, WaitlistStatus
from marketplace.pledges.states import PAID_STATES, PAYABLE_STATES, PledgeState

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    total: Decimal
    currency: str
    received: Decimal
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        return self.received - self.refunded

    @property
    def due(self) -> Decimal:
        """Still to pay (0 once paid in full)."""
        return max(self.total - self.net, ZERO)

    @property
    def over(self) -> Decimal:
        """Received beyond the total, not given back yet."""
        return max(self.net - self.total, ZERO)


def balance_of(pledge) -> Balance:
    received = Payment.objects.filter(pledge=pledge, status__in=RECEIVED_STATES).aggregate(
        s=Sum("amount")
    )["s"]
    refunded = (
        Refund.objects.filter(payment__pledge=pledge)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(s=Sum("amount"))["s"]
    )
    return Balance(
        total=pledge.total,
        currency=pledge.currency,
        received=received or ZERO,
        refunded=refunded or ZERO,
    )


def unreceipted_payments(pledge) -> list[Payment]:
    """The pledge's payments received but not receipted yet, oldest first."""
    return list(
        Payment.objects.filter(
            pledge=pledge, status=PaymentStatus.SUCCEEDED, receipt__isnull=True
        ).order_by("succeeded_at", "pk")
    )


def payable_problem(pledge, method: str | None = None) -> str | None:
    """Why the pledge cannot be paid now (by `method`), in a sentence; None when it can."""
    if pledge.status == PledgeState.AWAITING_APPROVAL:
        return _("This pledge waits for the organisers' approval: pay once it is approved.")
    if pledge.status in PAID_STATES:
        return _("This pledge is already paid.")
    if pledge.status not in PAYABLE_STATES:
        return _("This pledge is %(state)s: it can no longer be paid.") % {
            "state": pledge.get_status_display().lower()
        }
    if pledge.expires_at is not None and pledge.expires_at <= timezone.now():
        return _("The hold on this pledge has expired: it can no longer be paid.")
    if (
        pledge.status == PledgeState.HELD
        and WaitlistEntry.objects.filter(offer=pledge, status=WaitlistStatus.OFFERED).exists()
    ):
        return _("Accept the waiting-list offer before paying.")
    if method is not None and pledge.payment_method != method:
        return _("This pledge is to be paid by %(method)s.") % {
            "method": pledge.get_payment_method_display().lower()
        }
    return None
