"""Invoices for pledges paid by bank transfer.

The journey: a bank-transfer pledge is held from the moment it is made. The sponsor asks for
the invoice on the pledge's page (or through the API); it is issued once, numbered
`INV-<year>-<5 digits>`, emailed to the organisation's finance contact, and the pledge moves to
awaiting_payment until the due date (the hold's expiry). The transfers are recorded by
`marketplace/payments/bank.py`.

An invoice never changes; its state is derived (`invoice_status`): open → partially paid →
paid from the pledge's balance, overdue once past its due date unpaid, void once a credit note
cancels it — when the pledge is cancelled, expires or is rejected unpaid (`void_open_invoice`,
a step on `PLEDGE_CLOSED`), or when finance re-issues it to another billing address or with a
purchase-order number (`reissue_invoice`: the pledge and its slots stay).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.finance import ledger, numbering, snapshots
from marketplace.finance.balance import CLOSED_STATES, Balance, balance_of
from marketplace.finance.credit_notes import void_invoice
from marketplace.finance.models import Invoice, InvoiceStatus
from marketplace.finance.pdfs import deliver_after_commit
from marketplace.payments.balance import payable_problem
from marketplace.payments.errors import PaymentError
from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.moves import lock_pledge, mark_awaiting_payment
from marketplace.pledges.states import PAID_STATES, PledgeState

PO_NUMBER_MAX = 60


def clean_po_number(value) -> str:
    value = " ".join(str(value or "").split())
    if len(value) > PO_NUMBER_MAX:
        raise PaymentError(
            _("A purchase-order number has at most %(max)d characters.") % {"max": PO_NUMBER_MAX},
            field="po_number",
        )
    return value


def request_invoice(pledge: Pledge, *, user, po_number: str = "") -> Invoice:
    """The pledge's invoice, issued now if it has none: for what is still due, due when the
    hold expires, with the sponsor's purchase-order number when given. A held pledge moves to
    awaiting_payment. Raises `PaymentError` (conflict) when the pledge does not await a bank
    transfer."""
    po_number = clean_po_number(po_number)
    with transaction.atomic():
        locked = lock_pledge(pledge)
        existing = invoice_of(locked)
        if existing is not None and not existing.is_void:
            return existing
        problem = payable_problem(locked, PaymentMethod.BANK_TRANSFER)
        if problem:
            raise PaymentError(problem, conflict=True)
        invoice = issue_invoice(
            locked,
            amount=balance_of(locked).due,
            actor=user,
            po_number=po_number,
            replaces=existing,
        )
        if locked.status == PledgeState.HELD:
            mark_awaiting_payment(
                locked,
                actor=user,
                reason=_("Invoice %(number)s issued.") % {"number": invoice.number},
            )
    return invoice


def issue_invoice(
    pledge,
    *,
    amount,
    actor=None,
    po_number: str = "",
    payer: dict | None = None,
    lines: list | None = None,
    due_date: datetime.date | None = None,
    replaces: Invoice | None = None,
) -> Invoice:
    """Issue `INV-<year>-<5 digits>` for `amount` of `pledge`, inside the caller's transaction
    (which must hold the pledge's lock): payer and line snapshots, the bank details from the
    finance settings, the pledge reference as payment reference, and the hold's expiry as due
    date. One first invoice per pledge (a database constraint); a later one `replaces` a voided
    one. Its PDF is emailed after commit."""
    number = numbering.next_number(numbering.INVOICE)
    due = due_date or (
        timezone.localdate(pledge.expires_at) if pledge.expires_at else timezone.localdate()
    )
    invoice = Invoice.objects.create(
        number=str(number),
        year=number.year,
        sequence=number.sequence,
        pledge=pledge,
        organisation=pledge.organisation,
        payer=payer or snapshots.payer(pledge.organisation),
        lines=lines or [snapshots.pledge_line(pledge)],
        amount=amount,
        currency=pledge.currency,
        due_date=due,
        payment_reference=pledge.reference,
        bank=snapshots.issuer(),
        po_number=po_number,
        replaces=replaces,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    ledger.post_invoice(invoice, actor=actor)
    deliver_after_commit("invoice", invoice.pk)
    return invoice


def invoice_of(pledge) -> Invoice | None:
    """The pledge's current invoice: the last issued (the others were voided and replaced)."""
    return Invoice.objects.filter(pledge=pledge).order_by("-year", "-sequence").first()


def invoice_status(
    invoice: Invoice, balance: Balance | None = None, today: datetime.date | None = None
) -> str:
    """The invoice's state (`InvoiceStatus`), derived: void when a credit note cancels it,
    paid once its pledge is paid (a later refund is a credit note against the receipt), else
    overdue past its due date, partially paid once money arrived, open before."""
    if invoice.is_void:
        return InvoiceStatus.VOID
    balance = balance or balance_of(Pledge.objects.get(pk=invoice.pledge_id))  # its state now
    if balance.status in (*PAID_STATES, PledgeState.REFUNDED):
        return InvoiceStatus.PAID
    if invoice.due_date < (today or timezone.localdate()):
        return InvoiceStatus.OVERDUE
    if balance.net > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN


def status_label(status: str) -> str:
    return str(InvoiceStatus(status).label)


def void_open_invoice(pledge, *, reason: str, actor=None):
    """Void the pledge's current invoice if it is not paid (the pledge, locked by the caller,
    will not be paid on it): a credit note referring to it. Returns the note, or None."""
    invoice = invoice_of(pledge)
    if invoice is None or invoice.is_void:
        return None
    if invoice_status(invoice) == InvoiceStatus.PAID:
        return None
    return void_invoice(invoice, reason=reason, actor=actor)


def reissue_invoice(
    invoice: Invoice, *, billing_address: str, po_number: str, reason: str, actor
) -> Invoice:
    """Re-issue `invoice` to another billing address and/or with a purchase-order number: the
    old one is voided by a credit note referring to it and a new number is issued for the same
    lines, amount and due date; the pledge and its slots stay as they are. Refused (with
    `PaymentError`, nothing written) for a void or replaced invoice, a closed pledge, or when
    nothing would change."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Say why the invoice is re-issued."), field="reason")
    billing_address = (billing_address or "").strip()
    po_number = clean_po_number(po_number)
    with transaction.atomic():
        pledge = lock_pledge(invoice.pledge)
        current = invoice_of(pledge)
        if current.pk != invoice.pk or invoice.is_void:
            raise PaymentError(
                _("%(number)s is void: re-issue the pledge's current invoice.")
                % {"number": invoice.number},
                conflict=True,
            )
        if pledge.status in CLOSED_STATES:
            raise PaymentError(
                _("Pledge %(reference)s is %(state)s: its invoice is not re-issued.")
                % {"reference": pledge.reference, "state": pledge.get_status_display().lower()},
                conflict=True,
            )
        payer = {**invoice.payer}
        if billing_address:
            payer["billing_address"] = billing_address
        if payer == invoice.payer and po_number == invoice.po_number:
            raise PaymentError(
                _("Change the billing address or the purchase-order number to re-issue."),
                field="billing_address",
            )
        void_invoice(invoice, reason=reason, actor=actor)
        return issue_invoice(
            pledge,
            amount=invoice.amount,
            actor=actor,
            po_number=po_number,
            payer=payer,
            lines=invoice.lines,
            due_date=invoice.due_date,
            replaces=invoice,
        )
