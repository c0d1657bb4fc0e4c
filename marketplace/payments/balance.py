"""A pledge's balance as payments read it, and whether the pledge can be paid now. Read by
settlement, checkout, refunds, the webhook and the admin.

The balance itself — invoiced, received, refunded, credited, written off, due, held — is
computed in one place, by finance (`marketplace/finance/balance.py`), which sees the documents
and adjustments as well as the payments. Payments sit below finance, so finance registers its
calculator here at start-up (`set_calculator`, in `FinanceConfig.ready`), the way the pledges
register the catalogue's availability counter; payments never import finance.
"""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.payments.models import Payment
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import WaitlistEntry, WaitlistStatus
from marketplace.pledges.states import PAID_STATES, PAYABLE_STATES, PledgeState

# The declared hook: pledge -> its balance (finance's `Balance`: `.due`, `.net`, `.held`,
# `.outstanding`, ...). Filled by finance.
_calculator: Callable | None = None


def set_calculator(calculator: Callable) -> None:
    """Register the function that computes a pledge's balance (finance's `balance_of`)."""
    global _calculator
    _calculator = calculator


def balance_of(pledge):
    """The pledge's one balance, as finance computes it."""
    if _calculator is None:
        raise RuntimeError("No balance calculator: marketplace.finance is not installed.")
    return _calculator(pledge)


def unreceipted_payments(pledge) -> list[Payment]:
    """The pledge's payments received but not receipted yet, oldest first."""
    return list(
        Payment.objects.filter(
            pledge=pledge, status=PaymentStatus.SUCCEEDED, receipt__isnull=True
        ).order_by("succeeded_at", "pk")
    )


def offered_pledge_ids(pledges) -> set:
    """The ids of those of `pledges` that wait for a waiting-list offer to be accepted (one
    query), for `payable_problem(..., offered=...)` over a list."""
    return set(
        WaitlistEntry.objects.filter(
            offer__in=[p.pk for p in pledges], status=WaitlistStatus.OFFERED
        ).values_list("offer_id", flat=True)
    )


def payable_problem(pledge, method: str | None = None, *, offered=None) -> str | None:
    """Why the pledge cannot be paid now (by `method`), in a sentence; None when it can.
    `offered`: the ids of the pledges with a waiting-list offer open, read once for a list
    (`offered_pledge_ids`), else asked of this pledge."""
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
    if pledge.status == PledgeState.HELD and (
        pledge.pk in offered
        if offered is not None
        else WaitlistEntry.objects.filter(offer=pledge, status=WaitlistStatus.OFFERED).exists()
    ):
        return _("Accept the waiting-list offer before paying.")
    if method is not None and pledge.payment_method != method:
        return _("This pledge is to be paid by %(method)s.") % {
            "method": pledge.get_payment_method_display().lower()
        }
    return None
