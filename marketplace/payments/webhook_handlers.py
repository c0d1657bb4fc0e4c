"""What each Stripe event does, inside the transaction `webhooks.receive` opened.

Every handler checks what the event claims against our records (session, reference, amount,
currency) before it moves anything, tolerates events out of order (an expiry delivered after
the completion changes nothing; a completion after an expiry still counts), and returns a
short outcome that is stored with the event.
"""

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.payments import stripe_gateway
from marketplace.payments.balance import balance_of
from marketplace.payments.hooks import PAYOUT_PAID
from marketplace.payments.models import FlagKind, Payment
from marketplace.payments.moves import lock_payment, move_payment, raise_flag
from marketplace.payments.refunds import record_outside_refund
from marketplace.payments.settlement import settle
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.moves import lock_pledge


def dispatch(event: dict) -> str:
    handler = HANDLERS.get(event["type"])
    if handler is None:
        return "ignored: unhandled type"
    obj = (event.get("data") or {}).get("object") or {}
    return handler(obj, event["id"])


# --- Checkout sessions ------------------------------------------------------------------


def _reference(session: dict) -> str:
    return session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "pledge_reference", ""
    )


def _find_payment(session: dict, event_id: str) -> tuple[Payment | None, Pledge | None]:
    """Our payment for the session; a session we have no record of but whose reference names
    a pledge gets a record now (so its money is never lost), and the pledge, locked to number
    it, comes with it (else None: the caller locks it). (None, None) for an unknown
    reference."""
    payment = Payment.objects.filter(stripe_session_id=session.get("id")).first()
    if payment is not None:
        return payment, None
    reference = _reference(session)
    pledge = Pledge.objects.filter(reference=reference).first() if reference else None
    if pledge is None:
        raise_flag(
            FlagKind.UNKNOWN_REFERENCE,
            f"session-{session.get('id')}",
            _("Stripe session %(session)s names pledge “%(reference)s”, which does not exist.")
            % {"session": session.get("id"), "reference": reference},
            event_id=event_id,
        )
        return None, None
    pledge = lock_pledge(pledge)
    due = balance_of(pledge).due
    payment = Payment.objects.create(
        pledge=pledge,
        method=PaymentMethod.CARD,
        attempt=(pledge.payments.aggregate(n=Max("attempt"))["n"] or 0) + 1,
        amount=due if due > 0 else pledge.total,
        currency=pledge.currency,
        stripe_session_id=session.get("id"),
    )
    move_payment(
        payment, PaymentStatus.PENDING, reason=gettext_lazy("Session known from Stripe's event.")
    )
    return payment, pledge


def _mismatches(session: dict, payment: Payment) -> list[tuple[str, str]]:
    pledge = payment.pledge
    found = []
    references = {
        session.get("client_reference_id"),
        (session.get("metadata") or {}).get("pledge_reference"),
    } - {None, ""}
    if references != {pledge.reference}:
        found.append(
            (
                FlagKind.REFERENCE_MISMATCH,
                _("Session %(session)s carries reference %(got)s, not %(want)s.")
                % {
                    "session": session.get("id"),
                    "got": ", ".join(sorted(references)) or "—",
                    "want": pledge.reference,
                },
            )
        )
    currency = str(session.get("currency") or "").upper()
    if currency != payment.currency.upper() or currency != pledge.currency.upper():
        found.append(
            (
                FlagKind.CURRENCY_MISMATCH,
                _("Session %(session)s was paid in %(got)s; pledge %(reference)s is in %(want)s.")
                % {
                    "session": session.get("id"),
                    "got": currency or "—",
                    "reference": pledge.reference,
                    "want": pledge.currency,
                },
            )
        )
    elif session.get("amount_total") != stripe_gateway.minor_units(payment.amount, currency):
        got = session.get("amount_total")
        found.append(
            (
                FlagKind.AMOUNT_MISMATCH,
                _("Session %(session)s was paid %(got)s; pledge %(reference)s expected %(want)s.")
                % {
                    "session": session.get("id"),
                    "got": f"{currency} {stripe_gateway.from_minor_units(got, currency)}"
                    if isinstance(got, int)
                    else "—",
                    "reference": pledge.reference,
                    "want": f"{payment.currency} {payment.amount}",
                },
            )
        )
    return found


def session_completed(session: dict, event_id: str, *, paid: bool | None = None) -> str:
    if session.get("mode") not in (None, "payment"):
        return "ignored: not a payment session"
    payment, pledge = _find_payment(session, event_id)
    if payment is None:
        return "flagged: unknown reference"
    # Once per transaction, by id: reading `payment.pledge` first would read the row twice.
    pledge = pledge or lock_pledge(Pledge(pk=payment.pledge_id))
    payment = lock_payment(payment.pk)
    payment.pledge = pledge  # the locked one: not read again
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return "ignored: already recorded"
    intent = session.get("payment_intent") or payment.stripe_payment_intent
    if intent != payment.stripe_payment_intent:
        payment.stripe_payment_intent = intent
        payment.save(update_fields=["stripe_payment_intent", "updated_at"])
    mismatches = _mismatches(session, payment)
    if mismatches:
        for kind, message in mismatches:
            raise_flag(kind, f"payment-{payment.pk}", message, payment=payment, event_id=event_id)
        return "flagged: " + ", ".join(kind for kind, _message in mismatches)
    is_paid = session.get("payment_status") == "paid" if paid is None else paid
    if not is_paid:
        if payment.status == PaymentStatus.CREATED:
            move_payment(
                payment, PaymentStatus.PENDING, reason=gettext_lazy("Awaiting the payment.")
            )
        return "pending: awaiting an asynchronous payment"
    move_payment(
        payment,
        PaymentStatus.SUCCEEDED,
        reason=_("Stripe confirmed the payment (session %(session)s).")
        % {"session": session.get("id")},
    )
    return "succeeded: " + settle(pledge, payment=payment)


def async_payment_succeeded(session: dict, event_id: str) -> str:
    return session_completed(session, event_id, paid=True)


def async_payment_failed(session: dict, event_id: str) -> str:
    return _close_session(session, PaymentStatus.FAILED, _("The payment failed at Stripe."))


def session_expired(session: dict, event_id: str) -> str:
    return _close_session(session, PaymentStatus.EXPIRED, _("The checkout expired unpaid."))


def _close_session(session: dict, to_state: str, reason: str) -> str:
    payment = Payment.objects.filter(stripe_session_id=session.get("id")).first()
    if payment is None:
        return "ignored: unknown session"
    lock_pledge(payment.pledge)
    payment = lock_payment(payment.pk)
    if payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING):
        return f"ignored: payment already {payment.status}"
    move_payment(payment, to_state, reason=reason)
    return to_state


# --- Charges ----------------------------------------------------------------------------


def _payment_for_charge(charge_like: dict) -> Payment | None:
    intent = charge_like.get("payment_intent")
    if not intent:
        return None
    return Payment.objects.filter(stripe_payment_intent=intent).first()


def charge_refunded(charge: dict, event_id: str) -> str:
    """Record a refund made in Stripe outside the admin; one made from the admin is already
    counted (its refund is written before Stripe is asked), so it is not counted twice."""
    payment = _payment_for_charge(charge)
    if payment is None:
        return "ignored: unknown payment"
    lock_pledge(payment.pledge)
    payment = lock_payment(payment.pk)
    currency = str(charge.get("currency") or payment.currency)
    stripe_total = stripe_gateway.from_minor_units(charge.get("amount_refunded") or 0, currency)
    ours = payment.refunded_amount
    if stripe_total <= ours:
        return "ignored: refund already recorded"
    return record_outside_refund(payment, stripe_total - ours, event_id=event_id)


def dispute_created(dispute: dict, event_id: str) -> str:
    payment = _payment_for_charge(dispute)
    currency = str(dispute.get("currency") or "")
    amount = (
        stripe_gateway.from_minor_units(dispute["amount"], currency)
        if isinstance(dispute.get("amount"), int) and currency
        else "?"
    )
    raise_flag(
        FlagKind.DISPUTE,
        str(dispute.get("id")),
        _("Dispute %(dispute)s opened on %(payment)s for %(amount)s (reason: %(reason)s).")
        % {
            "dispute": dispute.get("id"),
            "payment": payment or dispute.get("charge"),
            "amount": f"{currency.upper()} {amount}",
            "reason": dispute.get("reason") or "—",
        },
        payment=payment,
        event_id=event_id,
    )
    return "flagged: dispute"


# --- Payouts ----------------------------------------------------------------------------


def payout_paid(payout: dict, event_id: str) -> str:
    """Stripe sent money to the bank: the apps above (finance) record and reconcile it."""
    outcomes = PAYOUT_PAID.collect(payout, event_id=event_id)
    return "; ".join(outcomes) or "ignored: nothing reconciles payouts"


HANDLERS = {
    "checkout.session.completed": session_completed,
    "checkout.session.async_payment_succeeded": async_payment_succeeded,
    "checkout.session.async_payment_failed": async_payment_failed,
    "checkout.session.expired": session_expired,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
    "payout.paid": payout_paid,
}
