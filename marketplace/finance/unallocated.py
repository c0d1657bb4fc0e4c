"""Money that arrived matching no pledge, and the small differences finance settles by hand.

The journey: a transfer arrives with a mistyped reference, or in another currency than any
open pledge's. Finance records it here (`record_unallocated`) rather than refusing it; it waits
in the unallocated list (admin: Finance → Unallocated money) until finance allocates it to one
or several pledges or invoices (`allocate`: each part becomes that pledge's payment, settled as
any transfer) or marks it to be returned to the payer (`mark_to_return`), then records it
returned once the bank has sent it back (`mark_returned`: the date and the bank's reference;
only then does the money leave the bank in the ledger). A transfer short by
the bank's charges is settled by booking the difference as bank charges (`book_bank_charge`,
at most `BANK_CHARGE_TOLERANCE`, default 50 in the pledge's currency); a small remainder is
written off (`write_off`, at most `WRITE_OFF_LIMIT`). Each is one service function here, one
transaction, audited (the transfer's history, the pledge's history, the adjustment row).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.money import format_money
from marketplace.finance import ledger
from marketplace.finance.balance import balance_of
from marketplace.finance.models import (
    Adjustment,
    AdjustmentKind,
    Allocation,
    Invoice,
    UnallocatedStatus,
    UnallocatedTransfer,
)
from marketplace.finance.states import UNALLOCATED_MACHINE
from marketplace.payments.bank import record_transfer
from marketplace.payments.errors import PaymentError
from marketplace.payments.models import Payment
from marketplace.payments.refunds import clean_amount
from marketplace.payments.settlement import settle
from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.moves import lock_pledge
from marketplace.pledges.states import PAYABLE_STATES, PLEDGE_MACHINE

ZERO = Decimal("0.00")


def bank_charge_tolerance() -> Decimal:
    return Decimal(str(getattr(settings, "BANK_CHARGE_TOLERANCE", 50)))


def write_off_limit() -> Decimal:
    return Decimal(str(getattr(settings, "WRITE_OFF_LIMIT", 200)))


def record_unallocated(
    *,
    amount,
    currency: str,
    value_date: datetime.date,
    bank_reference: str,
    payer_name: str = "",
    quoted_reference: str = "",
    note: str = "",
    actor,
) -> UnallocatedTransfer:
    """Record a transfer that matches no pledge. Guarantees: a positive amount with at most two
    decimals, an ISO currency code, a value date not in the future, a bank reference recorded
    once (here or as a pledge's payment); otherwise `PaymentError` naming the field and nothing
    written. The transfer's history starts with who recorded it."""
    amount = clean_amount(amount)
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise PaymentError(_("Enter the currency as its ISO code, e.g. CHF."), field="currency")
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
        if (
            UnallocatedTransfer.objects.filter(bank_reference=bank_reference).exists()
            or Payment.objects.filter(
                method=PaymentMethod.BANK_TRANSFER, bank_reference=bank_reference
            ).exists()
        ):
            raise PaymentError(
                _("The transfer %(bank_reference)s is already recorded.")
                % {"bank_reference": bank_reference},
                field="bank_reference",
            )
        transfer = UnallocatedTransfer.objects.create(
            amount=amount,
            currency=currency,
            value_date=value_date,
            bank_reference=bank_reference,
            payer_name=(payer_name or "").strip(),
            quoted_reference=(quoted_reference or "").strip(),
            note=(note or "").strip(),
            created_by=actor,
        )
        ledger.post_unallocated_receipt(
            amount,
            currency,
            source=f"unallocated:{transfer.pk}",
            date=value_date,
            document=bank_reference,
            actor=actor,
        )
        UNALLOCATED_MACHINE.log(
            transfer,
            "",
            UnallocatedStatus.UNALLOCATED,
            actor=actor,
            reason=_("Recorded: %(amount)s matching no pledge.")
            % {"amount": format_money(amount, currency)},
        )
    return transfer


def _target(text: str) -> tuple[Pledge, Invoice | None]:
    """The pledge a line names, by pledge reference or invoice number."""
    text = (text or "").strip().upper()
    invoice = Invoice.objects.filter(number=text).select_related("pledge").first()
    if invoice is not None:
        return invoice.pledge, invoice
    pledge = Pledge.objects.filter(reference=text).first()
    if pledge is None:
        raise PaymentError(
            _("No pledge or invoice has the reference %(reference)s.") % {"reference": text},
            field="allocations",
        )
    return pledge, None


def allocate(transfer: UnallocatedTransfer, parts, *, actor) -> list[Allocation]:
    """Allocate unallocated money to one or several pledges or invoices: `parts` is a list of
    (pledge reference or invoice number, amount). Each part becomes a bank-transfer payment of
    its pledge, settled as any transfer (a part that completes a pledge pays it and issues its
    receipt; a part-payment is acknowledged). All or nothing: refused with `PaymentError`
    when a part names nothing, is in another currency, is more than its pledge still owes or
    when the parts exceed what is left of the transfer."""
    parts = [(ref, clean_amount(amount)) for ref, amount in parts if (ref or "").strip()]
    if not parts:
        raise PaymentError(
            _("Name at least one pledge or invoice to allocate to."), field="allocations"
        )
    with transaction.atomic():
        transfer = UnallocatedTransfer.objects.select_for_update().get(pk=transfer.pk)
        UNALLOCATED_MACHINE.check(transfer.status, UnallocatedStatus.ALLOCATED)
        left = transfer.remaining
        wanted = sum((amount for _ref, amount in parts), ZERO)
        if wanted > left:
            raise PaymentError(
                _("Only %(left)s of this transfer is left to allocate.")
                % {"left": format_money(left, transfer.currency)},
                field="allocations",
            )
        allocations = []
        done = transfer.allocations.count()
        for ref, amount in parts:
            pledge, invoice = _target(ref)
            if pledge.currency != transfer.currency:
                raise PaymentError(
                    _("Pledge %(reference)s is in %(want)s; this transfer is in %(got)s.")
                    % {
                        "reference": pledge.reference,
                        "want": pledge.currency,
                        "got": transfer.currency,
                    },
                    field="allocations",
                )
            due = balance_of(lock_pledge(pledge)).due
            if amount > due:
                raise PaymentError(
                    _("Pledge %(reference)s owes %(due)s: allocate at most that.")
                    % {"reference": pledge.reference, "due": format_money(due, pledge.currency)},
                    field="allocations",
                )
            done += 1
            payment, _outcome = record_transfer(
                pledge,
                amount=amount,
                currency=transfer.currency,
                value_date=transfer.value_date,
                bank_reference=f"{transfer.bank_reference}/{done}",
                actor=actor,
            )
            allocation = Allocation.objects.create(
                transfer=transfer,
                pledge=pledge,
                invoice=invoice,
                payment=payment,
                amount=amount,
                created_by=actor,
            )
            ledger.post_allocation(
                amount,
                transfer.currency,
                source=f"allocation:{allocation.pk}",
                pledge=pledge,
                date=transfer.value_date,
                document=transfer.bank_reference,
                payment=payment,  # settled (and posted) by record_transfer just above
                actor=actor,
            )
            allocations.append(allocation)
        remaining = left - wanted
        described = ", ".join(
            f"{format_money(a.amount, transfer.currency)} → "
            f"{a.invoice.number + ' / ' if a.invoice else ''}{a.pledge.reference}"
            for a in allocations
        )
        UNALLOCATED_MACHINE.move(
            transfer,
            UnallocatedStatus.ALLOCATED if remaining == 0 else UnallocatedStatus.PARTLY_ALLOCATED,
            actor=actor,
            reason=_("Allocated %(parts)s; %(left)s left.")
            % {"parts": described, "left": format_money(remaining, transfer.currency)},
        )
    return allocations


def mark_to_return(transfer: UnallocatedTransfer, *, reason: str, actor) -> UnallocatedTransfer:
    """Mark what is left of a transfer to be returned to the payer, with the reason (audited).
    Refused once it is fully allocated or already marked."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Say why the money goes back."), field="reason")
    with transaction.atomic():
        transfer = UnallocatedTransfer.objects.select_for_update().get(pk=transfer.pk)
        UNALLOCATED_MACHINE.move(
            transfer,
            UnallocatedStatus.TO_RETURN,
            actor=actor,
            reason=_("%(amount)s to return: %(reason)s")
            % {"amount": format_money(transfer.remaining, transfer.currency), "reason": reason},
        )
    return transfer


def mark_returned(
    transfer: UnallocatedTransfer,
    *,
    returned_on: datetime.date,
    bank_reference: str,
    actor,
) -> UnallocatedTransfer:
    """Record that what was left of a transfer marked to return has been sent back: the date it
    left the bank (not in the future, not before the transfer arrived) and the bank's reference
    of the outgoing payment. Posts unallocated → bank for that amount, in the same transaction,
    and logs the step. Refused (`InvalidUnallocatedMove`) unless the transfer is marked to
    return; refused with `PaymentError` naming the field for a bad date or reference."""
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise PaymentError(
            _("Enter the bank's reference of the money sent back."), field="bank_reference"
        )
    with transaction.atomic():
        transfer = UnallocatedTransfer.objects.select_for_update().get(pk=transfer.pk)
        UNALLOCATED_MACHINE.check(transfer.status, UnallocatedStatus.RETURNED)
        if returned_on is None or returned_on > timezone.localdate():
            raise PaymentError(
                _("Enter the date the money was sent back, which cannot be in the future."),
                field="returned_on",
            )
        if returned_on < transfer.value_date:
            raise PaymentError(
                _("The money cannot go back before it arrived (%(date)s).")
                % {"date": transfer.value_date.isoformat()},
                field="returned_on",
            )
        amount = transfer.remaining
        transfer.returned_amount = amount
        transfer.returned_on = returned_on
        transfer.return_reference = bank_reference
        transfer.save(update_fields=["returned_amount", "returned_on", "return_reference"])
        ledger.post_unallocated_return(
            amount,
            transfer.currency,
            source=f"unallocated-return:{transfer.pk}",
            date=returned_on,
            document=bank_reference,
            actor=actor,
        )
        UNALLOCATED_MACHINE.move(
            transfer,
            UnallocatedStatus.RETURNED,
            actor=actor,
            reason=_("%(amount)s returned on %(date)s, bank reference %(reference)s.")
            % {
                "amount": format_money(amount, transfer.currency),
                "date": returned_on.isoformat(),
                "reference": bank_reference,
            },
        )
    return transfer


def _adjust(pledge, kind, *, amount, limit, reason, actor, transfer=None) -> Adjustment:
    with transaction.atomic():
        locked = lock_pledge(pledge)
        balance = balance_of(locked)
        if locked.status not in PAYABLE_STATES:
            raise PaymentError(
                _("Pledge %(reference)s is %(state)s: nothing to settle on it.")
                % {"reference": locked.reference, "state": locked.get_status_display().lower()},
                conflict=True,
            )
        if balance.due <= 0:
            raise PaymentError(
                _("Pledge %(reference)s owes nothing.") % {"reference": locked.reference},
                conflict=True,
            )
        if balance.net <= 0:
            raise PaymentError(
                _("Nothing was received for pledge %(reference)s: cancel it rather.")
                % {"reference": locked.reference},
                conflict=True,
            )
        amount = balance.due if amount in (None, "") else clean_amount(amount)
        if amount > balance.due:
            raise PaymentError(
                _("Pledge %(reference)s owes only %(due)s.")
                % {
                    "reference": locked.reference,
                    "due": format_money(balance.due, locked.currency),
                },
                field="amount",
            )
        if amount > limit:
            raise PaymentError(
                _("At most %(limit)s can be booked this way; %(amount)s is more.")
                % {
                    "limit": format_money(limit, locked.currency),
                    "amount": format_money(amount, locked.currency),
                },
                field="amount",
            )
        adjustment = Adjustment.objects.create(
            pledge=locked,
            kind=kind,
            amount=amount,
            currency=locked.currency,
            reason=reason,
            transfer=transfer,
            created_by=actor,
        )
        post = (
            ledger.post_bank_charge if kind == AdjustmentKind.BANK_CHARGE else ledger.post_write_off
        )
        post(
            amount,
            locked.currency,
            source=f"adjustment:{adjustment.pk}",
            date=timezone.localdate(),
            document=locked.reference,
            pledge=locked,
            actor=actor,
        )
        PLEDGE_MACHINE.log(
            locked,
            locked.status,
            locked.status,
            actor=actor,
            reason=_("%(kind)s: %(amount)s. %(reason)s")
            % {
                "kind": adjustment.get_kind_display(),
                "amount": format_money(amount, locked.currency),
                "reason": reason,
            },
        )
        settle(locked, actor=actor)  # paid once nothing is left to pay
    return adjustment


def book_bank_charge(pledge, *, amount=None, reason: str = "", actor, transfer=None) -> Adjustment:
    """Book what a transfer lacks because of the banks' charges (by default all that is still
    due) so the pledge is settled: at most `BANK_CHARGE_TOLERANCE` in its currency, never more
    than is due, only once money was received. Settles the pledge (paid, receipted) when
    nothing is left; audited on the pledge."""
    reason = (reason or "").strip() or _("Deducted by the banks in transit.")
    return _adjust(
        pledge,
        AdjustmentKind.BANK_CHARGE,
        amount=amount,
        limit=bank_charge_tolerance(),
        reason=reason,
        actor=actor,
        transfer=transfer,
    )


def write_off(pledge, *, amount=None, reason: str, actor) -> Adjustment:
    """Write off a small remaining due (by default all of it) with a reason: at most
    `WRITE_OFF_LIMIT`, only once money was received. Settles the pledge when nothing is left;
    audited on the pledge."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Say why the remainder is written off."), field="reason")
    return _adjust(
        pledge,
        AdjustmentKind.WRITE_OFF,
        amount=amount,
        limit=write_off_limit(),
        reason=reason,
        actor=actor,
    )
