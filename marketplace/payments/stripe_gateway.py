"""Every call to Stripe goes through here, with the official `stripe` SDK.

Amounts cross this boundary in minor units (Stripe's integers) and are `Decimal` everywhere
else. The API base comes from STRIPE_API_BASE when set (a test server); tests replace only the
SDK's transport through `HTTP_CLIENT`. Callers never import this module to pay or refund:
they ask `gateway.get_gateway()`, which returns it or the local stand-in (`standin.py`), so
nothing here knows about the stand-in.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# A `stripe.HTTPClient` to use instead of the SDK's default transport (tests set it).
HTTP_CLIENT: stripe.HTTPClient | None = None
MAX_NETWORK_RETRIES = 2  # safe: every write carries an idempotency key

# Currencies Stripe takes in whole units, and those with three decimals.
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())


class GatewayError(Exception):
    """Stripe refused or could not be reached; `message` is for the person who asked."""

    def __init__(self, message, *, code: str = ""):
        self.message = str(message)
        self.code = code
        super().__init__(self.message)


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    expires_at: datetime.datetime


def minor_units(amount: Decimal, currency: str) -> int:
    """`Decimal("5000.00"), "CHF"` → 500000; whole units for zero-decimal currencies."""
    code = currency.upper()
    exponent = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    scaled = (Decimal(amount) * (10**exponent)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return int(scaled)


def from_minor_units(value: int, currency: str) -> Decimal:
    code = currency.upper()
    exponent = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    return (Decimal(int(value)) / (10**exponent)).quantize(Decimal("0.01"))


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE.rstrip("/")} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        http_client=HTTP_CLIENT,
        max_network_retries=MAX_NETWORK_RETRIES,
    )


def _refusal(error: stripe.StripeError, fallback: str) -> GatewayError:
    log.warning("Stripe refused: %s (%s)", error, type(error).__name__)
    # A card error's message is written for the card holder; any other is technical.
    message = (error.user_message if isinstance(error, stripe.CardError) else None) or fallback
    return GatewayError(message, code=getattr(error, "code", "") or "")


def create_checkout_session(
    *,
    reference: str,
    description: str,
    currency: str,
    quantity: int,
    unit_amount: Decimal,
    customer_email: str,
    success_url: str,
    cancel_url: str,
    expires_at: datetime.datetime,
    idempotency_key: str,
    locale: str = "auto",
) -> CheckoutSession:
    """Open a hosted Checkout Session (mode payment) for one line. Raises `GatewayError`."""
    if not is_configured():
        raise GatewayError(_("Card payment is not available at the moment: pay by bank transfer."))
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": quantity,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": minor_units(unit_amount, currency),
                    "product_data": {"name": description},
                },
            }
        ],
        "customer_email": customer_email or None,
        "client_reference_id": reference,
        "metadata": {"pledge_reference": reference},
        "payment_intent_data": {
            "metadata": {"pledge_reference": reference},
            "description": description,
        },
        "expires_at": int(expires_at.timestamp()),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": locale,
    }
    if not params["customer_email"]:
        del params["customer_email"]
    try:
        session = client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as error:
        raise _refusal(
            error,
            _("The card payment could not be started: nothing was charged. Try again later."),
        )
    return CheckoutSession(
        id=session.id,
        url=session.url,
        expires_at=datetime.datetime.fromtimestamp(session.expires_at, tz=datetime.UTC),
    )


def create_refund(
    *, payment_intent: str, amount: Decimal, currency: str, idempotency_key: str, reason_ref: str
) -> str:
    """Refund `amount` of a card payment through Stripe's Refund API; returns the refund id.
    Raises `GatewayError`."""
    if not is_configured():
        raise GatewayError(_("Stripe is not configured: the card refund cannot be sent."))
    try:
        refund = client().v1.refunds.create(
            params={
                "payment_intent": payment_intent,
                "amount": minor_units(amount, currency),
                "metadata": {"refund": reason_ref},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise _refusal(error, _("Stripe refused the refund: nothing was refunded."))
    if refund.status == "failed":
        raise GatewayError(_("Stripe could not make the refund (status failed)."))
    return refund.id


# --- Reading the account: payouts, balance transactions, balance ------------------------
# Plain dicts leave this module (stripe-python's objects are not dicts), shaped as Stripe's
# API and its webhooks send them, so callers read an event's payload and a fetched object alike.


def _read(call, what: str):
    if not is_configured():
        raise GatewayError(_("Stripe is not configured: %(what)s cannot be read.") % {"what": what})
    try:
        return call()
    except stripe.StripeError as error:
        raise _refusal(error, _("Stripe could not be read (%(what)s).") % {"what": what})


def retrieve_payout(payout_id: str) -> dict:
    """The payout `po_…` as Stripe has it now. Raises `GatewayError`."""
    return _read(lambda: client().v1.payouts.retrieve(payout_id).to_dict(), payout_id)


def list_payouts(*, created_since: datetime.datetime, status: str = "paid") -> list[dict]:
    """The payouts created since the moment, in the given status, every page read."""
    params = {"status": status, "created": {"gte": int(created_since.timestamp())}, "limit": 100}
    return _read(
        lambda: [p.to_dict() for p in client().v1.payouts.list(params=params).auto_paging_iter()],
        "payouts",
    )


def list_balance_transactions(
    *, payout: str | None = None, created_since: datetime.datetime | None = None
) -> list[dict]:
    """The balance transactions of a payout (or created since a moment), every page read, each
    with its `source` expanded (the charge or refund, carrying its `payment_intent`)."""
    params: dict = {"expand": ["data.source"], "limit": 100}
    if payout:
        params["payout"] = payout
    if created_since is not None:
        params["created"] = {"gte": int(created_since.timestamp())}
    pages = lambda: client().v1.balance_transactions.list(params=params).auto_paging_iter()  # noqa: E731
    return _read(lambda: [t.to_dict() for t in pages()], payout or "balance transactions")


def retrieve_balance() -> dict:
    """Stripe's balance: `available` and `pending`, each a list of {amount, currency}."""
    return _read(lambda: client().v1.balance.retrieve().to_dict(), "balance")
