"""Invoices for pledges paid by bank transfer."""

from django.utils import timezone

from marketplace.finance import numbering, snapshots
from marketplace.finance.models import Invoice


def issue_invoice(pledge, *, amount, actor=None) -> Invoice:
    """Issue `INV-<year>-<5 digits>` for `amount` of `pledge`, inside the caller's transaction
    (which must hold the pledge's lock): payer and line snapshots, the bank details from site
    settings, the pledge reference as payment reference, and the hold's expiry as due date.
    One invoice per pledge (a database constraint). Its PDF is emailed after commit."""
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
    from marketplace.finance.pdfs import deliver_after_commit

    deliver_after_commit("invoice", invoice.pk)
    return invoice


def invoice_of(pledge) -> Invoice | None:
    return Invoice.objects.filter(pledge=pledge).first()
