"""Bank transfer: the transfers finance records.

The journey: a bank-transfer pledge is held from the moment it is made. The sponsor asks for
the invoice (`marketplace/finance/invoices.py`: issued once, and the pledge awaits payment
until its due date, the hold's expiry). Finance records each transfer that arrives;
settlement counts it, shows the balance of a partial or over-payment, and pays the pledge once
the total is in.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Payment
from marketplace.payments.moves import log_payment, move_payment
from marketplace.payments.refunds import clean_amount
from marketplace.payments.settlement import settle
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.moves import lock_pledge


def record_transfer(
    pledge: Pledge,
    *,
    amount,
    currency: str,
    value_date: datetime.date,
    bank_reference: str,
    actor,
) -> tuple[Payment, str]:
    """Record a bank transfer received for `pledge` and settle it. Guarantees: the currency is
    the pledge's, the amount positive with at most two decimals, the value date not in the
    future, a bank reference recorded once; otherwise `PaymentError` naming the field and
    nothing written. Returns the payment and the settlement's outcome."""
    amount = clean_amount(amount)
    currency = (currency or "").strip().upper()
    if currency != pledge.currency:
        raise PaymentError(
            _(
                "Pledge %(reference)s is in %(want)s: record the amount credited in %(want)s, "
                "not %(got)s."
            )
            % {"reference": pledge.reference, "want": pledge.currency, "got": currency or "—"},
            field="currency",
        )
    if value_date is None or value_date > timezone.localdate():
        raise PaymentError(
            _("Enter the value date, which cannot be in the future."), field="value_date"
        )
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise PaymentError(
            _("Enter the bank's reference for the transfer."), field="bank_reference"
        )
    with transaction.atomic():
        locked = lock_pledge(pledge)
        duplicate = (
            Payment.objects.filter(
                method=PaymentMethod.BANK_TRANSFER, bank_reference=bank_reference
            )
            .select_related("pledge")
            .first()
        )
        if duplicate is not None:
            raise PaymentError(
                _("The transfer %(bank_reference)s is already recorded (pledge %(reference)s).")
                % {"bank_reference": bank_reference, "reference": duplicate.pledge.reference},
                field="bank_reference",
            )
        payment = Payment.objects.create(
            pledge=locked,
            method=PaymentMethod.BANK_TRANSFER,
            attempt=(locked.payments.aggregate(n=Max("attempt"))["n"] or 0) + 1,
            amount=amount,
            currency=currency,
            bank_reference=bank_reference,
            value_date=value_date,
            created_by=actor,
        )
        log_payment(payment, "", PaymentStatus.CREATED, actor, _("Bank transfer recorded."))
        move_payment(
            payment, PaymentStatus.SUCCEEDED, actor=actor, reason=gettext_lazy("Received.")
        )
        outcome = settle(locked, actor=actor, payment=payment)
    return payment, outcome
