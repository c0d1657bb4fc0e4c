"""Card payment: open a Stripe Checkout Session for a pledge that awaits payment by card.

The journey: a card pledge is held from the moment it is made (after approval, if the package
needs it, it awaits payment). "Pay by card" opens a Checkout Session for what is still due and
moves a held pledge to awaiting_payment; the sponsor pays on Stripe's page; Stripe's webhook
(`webhooks.py`) records the money and `settlement.py` marks the pledge paid. Each click is an
attempt (a `Payment`), and an attempt whose session is still open is reused, so two clicks do
not open two ways to pay.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from marketplace.payments.balance import balance_of, payable_problem
from marketplace.payments.errors import PaymentError
from marketplace.payments.gateway import GatewayError, get_gateway
from marketplace.payments.models import Payment
from marketplace.payments.moves import lock_payment, log_payment, move_payment
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.moves import lock_pledge, mark_awaiting_payment
from marketplace.pledges.states import PledgeState

# Stripe accepts expires_at from 30 minutes to 24 hours after creation; a minute of margin
# covers the time the request takes.
SESSION_MIN = datetime.timedelta(minutes=31)
SESSION_MAX = datetime.timedelta(hours=23, minutes=59)
REUSE_MARGIN = datetime.timedelta(minutes=5)
STRIPE_LOCALES = {"ar", "zh", "en", "fr", "ru", "es"}


def session_expiry(hold_expires_at, now=None) -> datetime.datetime:
    """The session ends with the hold, but no sooner than Stripe's 30 minutes and no later than
    its 24 hours."""
    now = now or timezone.now()
    wanted = hold_expires_at or now + SESSION_MAX
    return min(max(wanted, now + SESSION_MIN), now + SESSION_MAX).replace(microsecond=0)


def start_card_payment(pledge: Pledge, *, user) -> Payment:
    """Open (or reuse) a Checkout Session for what the pledge still owes and return its
    payment, whose `checkout_url` the sponsor is sent to. Raises `PaymentError` (conflict) when
    the pledge does not await a card payment, and `PaymentError` with Stripe's refusal when the
    session cannot be opened — the pledge and its hold are then exactly as they were, and the
    attempt is recorded as failed."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        problem = payable_problem(locked, PaymentMethod.CARD)
        if problem:
            raise PaymentError(problem, conflict=True)
        due = balance_of(locked).due
        if due <= 0:
            raise PaymentError(_("Nothing is left to pay on this pledge."), conflict=True)
        reusable = (
            Payment.objects.filter(
                pledge=locked,
                method=PaymentMethod.CARD,
                status=PaymentStatus.PENDING,
                amount=due,
                session_expires_at__gt=timezone.now() + REUSE_MARGIN,
            )
            .exclude(checkout_url="")
            .order_by("-attempt")
            .first()
        )
        if reusable is not None:
            return reusable
        attempt = (locked.payments.aggregate(n=Max("attempt"))["n"] or 0) + 1
        payment = Payment.objects.create(
            pledge=locked,
            method=PaymentMethod.CARD,
            attempt=attempt,
            amount=due,
            currency=locked.currency,
            idempotency_key=f"checkout-{locked.public_id}-{attempt}",
            created_by=user if user.is_authenticated else None,
        )
        log_payment(payment, "", PaymentStatus.CREATED, user, _("Card payment requested."))
        hold = locked.expires_at

    full = due == locked.total
    detail = reverse("pledges:detail", args=[locked.public_id])
    try:
        session = get_gateway().create_checkout_session(
            reference=locked.reference,
            description=_("%(package)s — %(event)s (pledge %(reference)s)")
            % {
                "package": locked.package_title,
                "event": locked.event.title,
                "reference": locked.reference,
            },
            currency=locked.currency,
            quantity=locked.quantity if full else 1,
            unit_amount=locked.unit_price if full else due,
            customer_email=user.email,
            success_url=settings.SITE_URL
            + reverse("payments:card_return", args=[locked.public_id])
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=settings.SITE_URL + detail + "?payment=cancelled",
            expires_at=session_expiry(hold),
            idempotency_key=payment.idempotency_key,
            locale=_stripe_locale(),
        )
    except GatewayError as error:
        with transaction.atomic():
            failed = lock_payment(payment.pk)
            move_payment(
                failed, PaymentStatus.FAILED, actor=user, reason=error.message, error=error.message
            )
        raise PaymentError(error.message)

    with transaction.atomic():
        locked = lock_pledge(locked)
        payment = lock_payment(payment.pk)
        move_payment(
            payment,
            PaymentStatus.PENDING,
            actor=user,
            reason=gettext_lazy("Checkout opened."),
            stripe_session_id=session.id,
            checkout_url=session.url,
            session_expires_at=session.expires_at,
        )
        if locked.status == PledgeState.HELD:
            mark_awaiting_payment(locked, actor=user, reason=gettext_lazy("Card payment started."))
    return payment


def _stripe_locale() -> str:
    language = (get_language() or "en").split("-")[0]
    return language if language in STRIPE_LOCALES else "auto"
