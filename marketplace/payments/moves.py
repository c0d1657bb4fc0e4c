"""Payment moves (through the payment state machine, with their audit entries), the payment
lock, and the flags that ask finance for a decision."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.payments.models import Flag, Payment
from marketplace.payments.states import PAYMENT_MACHINE, PaymentStatus


def log_payment(payment: Payment, from_state: str, to_state: str, actor=None, reason="") -> None:
    """An audit entry outside the table's moves (the payment's creation, from nothing)."""
    PAYMENT_MACHINE.log(payment, from_state, to_state, actor=actor, reason=reason)


def move_payment(payment: Payment, to_state: str, *, actor=None, reason="", **fields) -> None:
    """Move a payment the caller has locked to `to_state` (checked against the payment state
    machine), set `fields` beside it, and log who, when, from, to and why."""
    PAYMENT_MACHINE.check(payment.status, to_state)  # before touching any field
    if to_state == PaymentStatus.SUCCEEDED and payment.succeeded_at is None:
        fields.setdefault("succeeded_at", timezone.now())
    for name, value in fields.items():
        setattr(payment, name, value)
    PAYMENT_MACHINE.move(payment, to_state, actor=actor, reason=reason, also_save=tuple(fields))


def lock_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def raise_flag(kind: str, key: str, message, *, payment=None, pledge=None, event_id="") -> Flag:
    """Ask finance to decide something; the same cause (`key`) raises one flag, however many
    times it is seen."""
    pledge = pledge or (payment.pledge if payment is not None else None)
    try:
        with transaction.atomic():
            return Flag.objects.create(
                key=f"{kind}:{key}",
                kind=kind,
                payment=payment,
                pledge=pledge,
                stripe_event_id=event_id,
                message=str(message),
            )
    except IntegrityError:
        return Flag.objects.get(key=f"{kind}:{key}")


def resolve_flag(flag: Flag, *, actor, resolution: str) -> Flag:
    """Close a flag with finance's note on what was decided."""
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.resolution = resolution
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return flag
