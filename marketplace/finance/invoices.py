"""Invoices for pledges paid by bank transfer.

The journey: a bank-transfer pledge is held from the moment it is made. The sponsor asks for
the invoice on the pledge's page (or through the API); it is issued once, numbered
`INV-<year>-<5 digits>`, emailed to the organisation's finance contact, and the pledge moves to
awaiting_payment until the due date (the hold's expiry). The transfers are recorded by
`marketplace/payments/bank.py`.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.finance import ledger, numbering, snapshots
from marketplace.finance.models import Invoice
from marketplace.finance.pdfs import deliver_after_commit
from marketplace.payments.balance import balance_of, payable_problem
from marketplace.payments.errors import PaymentError
from marketplace.pledges.models import PaymentMethod, Pledge
from marketplace.pledges.moves import lock_pledge, mark_awaiting_payment
from marketplace.pledges.states import PledgeState


def request_invoice(pledge: Pledge, *, user) -> Invoice:
    """The pledge's invoice, issued now if it has none: for what is still due, due when the
    hold expires. A held pledge moves to awaiting_payment. Raises `PaymentError` (conflict)
    when the pledge does not await a bank transfer."""
    with transaction.atomic():
        locked = lock_pledge(pledge)
        existing = invoice_of(locked)
        if existing is not None:
            return existing
        problem = payable_problem(locked, PaymentMethod.BANK_TRANSFER)
        if problem:
            raise PaymentError(problem, conflict=True)
        invoice = issue_invoice(locked, amount=balance_of(locked).due, actor=user)
        if locked.status == PledgeState.HELD:
            mark_awaiting_payment(
                locked,
                actor=user,
                reason=_("Invoice %(number)s issued.") % {"number": invoice.number},
            )
    return invoice


def issue_invoice(pledge, *, amount, actor=None) -> Invoice:
    """Issue `INV-<year>-<5 digits>` for `amount` of `pledge`, inside the caller's transaction
    (which must hold the pledge's lock): payer and line snapshots, the bank details from the
    finance settings, the pledge reference as payment reference, and the hold's expiry as due
    date. One invoice per pledge (a database constraint). Its PDF is emailed after commit."""
    number = numbering.next_number(numbering.INVOICE)
    due = timezone.localdate(pledge.expires_at) if pledge.expires_at else timezone.localdate()
    invoice = Invoice.objects.create(
        number=str(number),
        year=number.year,
        sequence=number.sequence,
        pledge=pledge,
        organisation=pledge.organisation,
        payer=snapshots.payer(pledge.organisation),
        lines=[snapshots.pledge_line(pledge)],
        amount=amount,
        currency=pledge.currency,
        due_date=due,
        payment_reference=pledge.reference,
        bank=snapshots.issuer(),
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    ledger.post_invoice(invoice, actor=actor)
    deliver_after_commit("invoice", invoice.pk)
    return invoice


def invoice_of(pledge) -> Invoice | None:
    return Invoice.objects.filter(pledge=pledge).first()
