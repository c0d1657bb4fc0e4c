"""The payments' section of a pledge's story (`marketplace.pledges.hooks.PLEDGE_STORY`): every
payment attempt with its refunds, the audit entries of both for the timeline, and — for finance
— the link to each payment, its refund while something is left to refund, and "record a bank
transfer" while a bank-transfer pledge can take one. Three queries, whatever the number of
payments and refunds."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.story import (
    TIMELINE_LIMIT,
    StorySection,
    TimelineEntry,
    choice_label,
    timeline_entries,
)
from marketplace.payments.admin_views import RECORD, REFUND
from marketplace.payments.models import Payment, PaymentChange, Refund, RefundStatus
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.hooks import PLEDGE_STORY
from marketplace.pledges.models import PaymentMethod
from marketplace.pledges.states import PAYABLE_STATES

VIEW = "payments.view_payment"


def _payment_subject(payment) -> str:
    return _("Payment %(payment)s") % {"payment": payment}


@PLEDGE_STORY.register(20, "payments and refunds")
def payments_section(pledges, *, user):
    can_view, can_refund = user.has_perm(VIEW), user.has_perm(REFUND)
    refunds = Refund.objects.select_related("created_by").order_by("created_at", "pk")
    payments = list(
        Payment.objects.filter(pledge__in=pledges)
        .select_related("pledge")
        .prefetch_related(Prefetch("refunds", queryset=refunds))
        .order_by("created_at", "pk")
    )
    rows, timeline = [], []
    for payment in payments:
        # What `Payment.refunded_amount` counts, read from the prefetched refunds.
        kept = [r for r in payment.refunds.all() if r.status != RefundStatus.FAILED]
        refundable = (
            payment.amount - sum(r.amount for r in kept)
            if payment.status == PaymentStatus.SUCCEEDED
            else 0
        )
        rows.append(
            {
                "payment": payment,
                "refunds": payment.refunds.all(),
                "url": reverse("finance_payments:inspect", args=[payment.pk]) if can_view else "",
                "refund_url": reverse("finance_payments:refund", args=[payment.pk])
                if can_refund and refundable > 0
                else "",
            }
        )
        timeline += [
            TimelineEntry(
                at=refund.completed_at or refund.created_at,
                subject=_("Refund of payment %(payment)s") % {"payment": payment},
                to_label=refund.get_status_display(),
                actor=refund.created_by,
                reason=refund.reason,
            )
            for refund in payment.refunds.all()
        ]
    changes = (
        PaymentChange.objects.filter(payment__pledge__in=pledges)
        .select_related("actor", "payment__pledge")
        .order_by("-at", "-pk")[:TIMELINE_LIMIT]
    )
    timeline += timeline_entries(
        changes,
        subject_of=lambda change: _payment_subject(change.payment),
        label_of=choice_label(PaymentStatus),
    )
    actions = []
    if user.has_perm(RECORD):
        actions = [
            (
                f"{reverse('finance_payments:record_transfer')}?pledge={pledge.reference}",
                _("Record a bank transfer for %(reference)s") % {"reference": pledge.reference},
            )
            for pledge in pledges
            if pledge.payment_method == PaymentMethod.BANK_TRANSFER
            and pledge.status in PAYABLE_STATES
        ]
    return StorySection(
        name="payments",
        title=_("Payments and refunds"),
        template="payments/admin/story_payments.html",
        context={"rows": rows, "many": len(pledges) > 1},
        actions=actions,
        timeline=timeline,
    )
