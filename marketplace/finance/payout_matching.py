"""A bank statement line that brings a Stripe payout in: found by the payout's id or its
statement descriptor in the line's reference, and its amount. The interface the bank
statement import calls (`marketplace/finance/statements/`): `match_payout(...)` finds the payout,
`link_bank_line(...)` records the line on it. Neither posts to the ledger: the payout was
posted (bank Dr, Stripe clearing Cr) when it was reconciled (`payouts.py`), so the line is
matched to the payout — never to a pledge — and the money is counted once."""

import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.finance.payout_records import Payout, PayoutStatus
from marketplace.finance.payouts import PayoutError, log_step


def _squash(text) -> str:
    return re.sub(r"\s+", "", str(text or "")).upper()


def match_payout(remittance_text, amount, currency, date=None) -> Payout | None:
    """The payout a bank line brings in, or None: its reference holds the payout's id (in any
    case, with spaces or line breaks inside) or the payout's statement descriptor, and the amount
    and currency are the payout's. A payout already matched to a line is not offered again; of
    several payouts with the same descriptor and amount, the one arriving nearest `date` (none
    when two are as near)."""
    text = _squash(remittance_text)
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return None
    if not text or amount <= 0:
        return None
    candidates = list(
        Payout.objects.filter(
            amount=amount, currency=str(currency or "").upper(), bank_line_id__isnull=True
        ).exclude(status__in=[PayoutStatus.FAILED, PayoutStatus.CANCELED])
    )
    for payout in candidates:
        if _squash(payout.stripe_id) in text:
            return payout
    named = [
        payout
        for payout in candidates
        if len(_squash(payout.statement_descriptor)) >= 3
        and _squash(payout.statement_descriptor) in text
    ]
    if len(named) <= 1 or date is None:
        return named[0] if len(named) == 1 else None

    def distance(payout):
        return abs((payout.arrival_date - date).days) if payout.arrival_date else 10**6

    named.sort(key=distance)
    return named[0] if distance(named[0]) < distance(named[1]) else None


@transaction.atomic
def link_bank_line(payout: Payout, *, line_id: int, reference: str = "", actor=None) -> Payout:
    """Record that bank statement line `line_id` brought the payout in. Posts nothing (the
    payout reached the bank account in the ledger when it was reconciled); linking the same
    line again does nothing; another line for a matched payout raises `PayoutError`."""
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.bank_line_id == line_id:
        return payout
    if payout.bank_line_id is not None:
        raise PayoutError(
            f"Payout {payout.stripe_id} is already matched to bank line {payout.bank_line_id}."
        )
    payout.bank_line_id = line_id
    payout.bank_reference = str(reference or "")[:255]
    payout.bank_matched_at = timezone.now()
    payout.save(update_fields=["bank_line_id", "bank_reference", "bank_matched_at"])
    log_step(
        payout,
        payout.status,
        "bank_matched",
        _("Matched to the bank statement line %(reference)s.")
        % {"reference": reference or line_id},
        actor,
    )
    return payout


def claim_line(line, *, actor=None) -> Payout | None:
    """The bank statement importer's matcher: the payout `line` brings in, now linked to it,
    or None (the line is not a payout's). `line` is a saved statement line (its `pk`,
    `remittance`, `amount`, `currency`, `value_date`, `bank_reference`); a credit, since a payout
    only ever comes in."""
    payout = match_payout(line.remittance, line.amount, line.currency, line.value_date)
    if payout is None:
        return None
    return link_bank_line(payout, line_id=line.pk, reference=line.bank_reference, actor=actor)
