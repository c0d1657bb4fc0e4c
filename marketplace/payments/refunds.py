"""Refunds: finance gives back all or part of a payment.

A card payment is refunded through Stripe's Refund API with an idempotency key; a bank
transfer is refunded by hand and recorded here. The refund row is written (pending) and
committed BEFORE Stripe is asked, so the `charge.refunded` webhook Stripe then sends finds it
and does not count the refund twice. Completing a refund runs what follows it
(`hooks.REFUND_COMPLETED`: finance's credit note against the payment's receipt) and moves the
pledge to partially_refunded or refunded (which frees its slots) through the pledge's moves.
"""

import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.payments.balance import balance_of
from marketplace.payments.errors import PaymentError
from marketplace.payments.gateway import GatewayError, get_gateway
from marketplace.payments.hooks import REFUND_COMPLETED
from marketplace.payments.models import FlagKind, Payment, Refund, RefundSource, RefundStatus
from marketplace.payments.moves import lock_payment, move_payment, raise_flag
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.moves import lock_pledge, mark_partially_refunded, mark_refunded
from marketplace.pledges.states import PAID_STATES, PledgeState

CENT = Decimal("0.01")


def clean_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PaymentError(_("Enter an amount such as 1250.00."), field="amount")
    if not amount.is_finite() or amount <= 0:
        raise PaymentError(_("Enter an amount above zero."), field="amount")
    if amount != amount.quantize(CENT):
        raise PaymentError(_("Enter at most two decimals."), field="amount")
    return amount.quantize(CENT)


def refund_payment(payment: Payment, *, amount, reason: str, actor) -> Refund:
    """Refund `amount` of a succeeded payment. Card: through Stripe (a refusal leaves nothing
    changed but a failed refund record, and raises `PaymentError`); bank transfer: recorded as
    a manual refund. Guarantees: never more than what is left of the payment; a credit note
    against its receipt; the pledge moved to partially_refunded or refunded."""
    amount = clean_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Give a reason: it is printed on the credit note."), field="reason")
    with transaction.atomic():
        lock_pledge(payment.pledge)
        payment = lock_payment(payment.pk)
        if payment.status != PaymentStatus.SUCCEEDED:
            raise PaymentError(_("Only a received payment can be refunded."), conflict=True)
        left = payment.refundable_amount
        if amount > left:
            raise PaymentError(
                _("At most %(left)s is left to refund on this payment.")
                % {"left": f"{payment.currency} {left}"},
                field="amount",
            )
        refund = Refund.objects.create(
            payment=payment,
            amount=amount,
            currency=payment.currency,
            reason=reason,
            source=RefundSource.ADMIN,
            created_by=actor,
            idempotency_key=f"refund-{uuid.uuid4()}",
        )
        if payment.method != PaymentMethod.CARD:
            complete_refund(refund, actor=actor)
            return refund
    try:
        stripe_id = get_gateway(payment_intent=payment.stripe_payment_intent).create_refund(
            payment_intent=payment.stripe_payment_intent,
            amount=amount,
            currency=payment.currency,
            idempotency_key=refund.idempotency_key,
            reason_ref=str(refund.public_id),
        )
    except GatewayError as error:
        Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.FAILED, error=error.message)
        raise PaymentError(error.message)
    with transaction.atomic():
        lock_pledge(payment.pledge)
        lock_payment(payment.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.stripe_refund_id = stripe_id
        refund.save(update_fields=["stripe_refund_id"])
        complete_refund(refund, actor=actor)
    return refund


def complete_refund(refund: Refund, *, actor=None) -> None:
    """Mark a refund done (pledge and payment locked by the caller): the payment becomes
    refunded when nothing is left of it, the steps after a refund run (a credit note corrects
    its receipt), and the pledge follows what it has kept."""
    refund.status = RefundStatus.SUCCEEDED
    refund.completed_at = timezone.now()
    refund.save(update_fields=["status", "completed_at"])
    payment = Payment.objects.get(pk=refund.payment_id)
    if payment.refundable_amount <= 0:
        move_payment(payment, PaymentStatus.REFUNDED, actor=actor, reason=refund.reason)
    REFUND_COMPLETED.run(refund, payment=payment, actor=actor)
    _follow_pledge(payment.pledge_id, actor, refund.reason)


def _follow_pledge(pledge_id: int, actor, reason: str) -> None:
    pledge = Pledge.objects.get(pk=pledge_id)  # locked by the caller
    if pledge.status not in PAID_STATES:
        return  # e.g. a refund of a late payment that never took the slots
    net = balance_of(pledge).net
    if net <= 0:
        mark_refunded(pledge, actor=actor, reason=reason or _("Refunded."))
    elif net < pledge.total and pledge.status == PledgeState.PAID:
        mark_partially_refunded(pledge, actor=actor, reason=reason or _("Partly refunded."))


def record_outside_refund(payment: Payment, amount: Decimal, *, event_id: str) -> str:
    """A refund Stripe reports that the admin did not make (e.g. from Stripe's dashboard):
    recorded like one made here, and flagged so finance knows. Caller holds the locks."""
    if payment.status != PaymentStatus.SUCCEEDED:
        raise_flag(
            FlagKind.REFUND_OUTSIDE,
            f"{payment.pk}-{event_id}",
            _("Stripe refunded %(amount)s of %(payment)s, which is not a received payment here.")
            % {"amount": f"{payment.currency} {amount}", "payment": payment},
            payment=payment,
            event_id=event_id,
        )
        return "flagged: refund of a payment not received"
    amount = min(amount, payment.refundable_amount)
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        currency=payment.currency,
        reason=gettext_lazy("Refunded in Stripe."),
        source=RefundSource.STRIPE,
    )
    complete_refund(refund)
    raise_flag(
        FlagKind.REFUND_OUTSIDE,
        f"{payment.pk}-{event_id}",
        _("Stripe refunded %(amount)s of %(payment)s outside the admin; it is recorded.")
        % {"amount": f"{payment.currency} {amount}", "payment": payment},
        payment=payment,
        event_id=event_id,
    )
    return "refund recorded"
