"""What becomes of one bank line: exactly one state (matched, partly matched, unallocated,
duplicate, ignored) and the rule that decided it (`LineRule`).

In order, for each line the importer stores:

1. seen before (its bank reference or checksum on an earlier line, or a transfer finance
   recorded by hand with that bank reference) → duplicate (decided in `importer.py`);
2. money going out → ignored: a reversal of an earlier credit, a bank charge, any other
   outgoing payment (bank charges debited on the account are the bank's costs, not a
   pledge's: a transfer short by charges is settled from the invoice, `book_bank_charge`);
3. the matchers of `LINE_MATCHERS`, in order, until one claims the line. Each is
   `matcher(line, *, actor, index) -> Decision | None`, run in the import's transaction with
   the line saved (so a matcher can link to it). Registered here: 40, a Stripe payout
   (`match_stripe_payout`: a line naming `po_…` or the payout's statement descriptor, for the
   payout's amount, is the payout's, not a pledge's: matched with the rule "payout"); 50, an
   invoice number or pledge reference in the remittance (`match_reference`);
4. nothing claimed it → unallocated (`record_unallocated`), waiting for finance.

`match_reference` compares the amount and currency with what the pledge owes (the one
balance): equal → recorded and settled as a bank transfer (`record_transfer`: paid and
receipted as today); less → a part-payment (acknowledged); more → recorded, and settlement
flags the over-payment; another currency → unallocated with a currency flag; several pledges
named → unallocated, for finance to split.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.hooks import Steps
from marketplace.core.money import format_money
from marketplace.finance import payout_matching
from marketplace.finance.balance import balance_of
from marketplace.finance.models import Invoice
from marketplace.finance.statements.models import LineRule, LineState, StatementLine
from marketplace.finance.unallocated import record_unallocated
from marketplace.payments.bank import record_transfer
from marketplace.payments.models import FlagKind
from marketplace.payments.moves import raise_flag
from marketplace.pledges.models import Pledge
from marketplace.pledges.moves import lock_pledge

LINE_MATCHERS = Steps("bank statement line matchers")


@dataclass
class Decision:
    state: str
    rule: str
    note: str = ""
    pledge: Pledge | None = None
    invoice: Invoice | None = None
    payment: object = None
    transfer: object = None


class ReferenceIndex:
    """The invoices and pledges a statement's lines name, fetched in two queries."""

    def __init__(self, references):
        references = set(references)
        numbers = [ref for ref in references if ref.startswith("INV-")]
        pledge_refs = [ref for ref in references if ref.startswith("SP-")]
        self.invoices = {
            invoice.number: invoice
            for invoice in Invoice.objects.filter(number__in=numbers).select_related("pledge")
        }
        self.pledges = {p.reference: p for p in Pledge.objects.filter(reference__in=pledge_refs)}

    def resolve(self, reference: str) -> tuple[Pledge | None, Invoice | None]:
        invoice = self.invoices.get(reference)
        if invoice is not None:
            return invoice.pledge, invoice
        return self.pledges.get(reference), None


def payment_date(line: StatementLine) -> datetime.date:
    """The value date, or the booking date when the value date is still ahead (money
    recorded today cannot carry a future value date)."""
    today = timezone.localdate()
    return line.value_date if line.value_date <= today else min(line.booking_date, today)


def bank_reference_of(line: StatementLine) -> str:
    return (line.bank_reference or f"STMT-{line.dedupe_key[-20:]}")[:80]


def outgoing(line: StatementLine) -> Decision:
    if line.is_reversal:
        return Decision(
            LineState.IGNORED,
            LineRule.REVERSAL,
            _("The bank reversed an earlier credit of %(amount)s: check the pledge it paid.")
            % {"amount": format_money(line.amount, line.currency)},
        )
    if line.is_charge:
        return Decision(LineState.IGNORED, LineRule.BANK_CHARGE, _("Charges debited by the bank."))
    return Decision(LineState.IGNORED, LineRule.OUTGOING, _("Money going out."))


@LINE_MATCHERS.register(40, "a Stripe payout: its id or statement descriptor (finance)")
def match_stripe_payout(line: StatementLine, *, actor, **context):
    payout = payout_matching.claim_line(line, actor=actor)
    if payout is None:
        return None
    return Decision(LineState.MATCHED, LineRule.PAYOUT, payout.stripe_id)


@LINE_MATCHERS.register(50, "an invoice number or pledge reference (finance)")
def match_reference(line: StatementLine, *, actor, index: ReferenceIndex, **context):
    targets = {}
    for reference in filter(None, line.references.split(" ")):
        pledge, invoice = index.resolve(reference)
        if pledge is not None:
            targets.setdefault(pledge.pk, (pledge, invoice))
    if not targets:
        return None
    if len(targets) > 1:
        return unallocated(
            line,
            LineRule.SEVERAL_REFERENCES,
            _("Names several pledges (%(refs)s): allocate each its part.")
            % {"refs": ", ".join(p.reference for p, _i in targets.values())},
            actor=actor,
        )
    pledge, invoice = next(iter(targets.values()))
    if pledge.currency != line.currency:
        message = _(
            "Bank line %(ref)s names pledge %(pledge)s (%(want)s) but is in %(got)s: "
            "left unallocated."
        ) % {
            "ref": bank_reference_of(line),
            "pledge": pledge.reference,
            "want": pledge.currency,
            "got": line.currency,
        }
        raise_flag(FlagKind.CURRENCY_MISMATCH, f"statement-line-{line.pk}", message, pledge=pledge)
        decision = unallocated(line, LineRule.OTHER_CURRENCY, message, actor=actor)
        decision.pledge, decision.invoice = pledge, invoice
        return decision
    due = balance_of(lock_pledge(pledge)).due
    payment, _outcome = record_transfer(
        pledge,
        amount=line.amount,
        currency=line.currency,
        value_date=payment_date(line),
        bank_reference=bank_reference_of(line),
        actor=actor,
    )
    values = {
        "amount": format_money(line.amount, line.currency),
        "due": format_money(due, line.currency),
        "pledge": pledge.reference,
    }
    if due == 0:
        state, rule = LineState.MATCHED, LineRule.NOT_PAYABLE
        note = _("%(amount)s recorded on %(pledge)s, which owed nothing: flagged.") % values
    elif line.amount == due:
        state, rule = LineState.MATCHED, LineRule.AMOUNT_DUE
        note = _("%(amount)s settles %(pledge)s.") % values
    elif line.amount < due:
        state, rule = LineState.PARTLY_MATCHED, LineRule.PART_PAYMENT
        note = _("%(amount)s of %(due)s due on %(pledge)s: part-payment.") % values
    else:
        state, rule = LineState.MATCHED, LineRule.OVERPAYMENT
        note = _("%(amount)s for %(due)s due on %(pledge)s: over-payment flagged.") % values
    return Decision(state, rule, note, pledge=pledge, invoice=invoice, payment=payment)


def unallocated(line: StatementLine, rule: str, note: str, *, actor) -> Decision:
    transfer = record_unallocated(
        amount=line.amount,
        currency=line.currency,
        value_date=payment_date(line),
        bank_reference=bank_reference_of(line),
        payer_name=line.payer_name[:200],
        quoted_reference=" ".join(line.remittance.split())[:200],
        note=note,
        actor=actor,
    )
    return Decision(LineState.UNALLOCATED, rule, note, transfer=transfer)


def decide(line: StatementLine, *, actor, index: ReferenceIndex) -> Decision:
    """The decision for a line that is not a duplicate (see the module's doc)."""
    if not line.is_credit:
        return outgoing(line)
    decision = LINE_MATCHERS.first(line, actor=actor, index=index)
    if decision is not None:
        return decision
    note = _("No invoice number or pledge reference found.")
    if line.references:
        note = _("%(refs)s: no invoice or pledge has it.") % {"refs": line.references}
    return unallocated(line, LineRule.NO_REFERENCE, note, actor=actor)
