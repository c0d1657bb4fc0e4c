"""The pledge page's money parts: what the sponsor can do to pay, its documents, its payments
and balance. Inclusion tags, so the pledges' view needs no change. They live in finance, the
app that sees both the payments (below it) and its own documents (invoice, receipts, credit
notes)."""

from django import template

from marketplace.finance.models import CreditNote, Invoice, Receipt
from marketplace.payments import gateway
from marketplace.payments.balance import balance_of, payable_problem
from marketplace.payments.models import Payment
from marketplace.pledges.models import PaymentMethod

register = template.Library()


@register.inclusion_tag("finance/includes/pay_actions.html")
def pledge_pay_actions(pledge, refusal=""):
    """The pay buttons the pledge's state allows; with `refusal` (the reader's role may not
    pay: `sponsors.membership`) that message in their place."""
    can_pay = payable_problem(pledge, pledge.payment_method) is None
    balance = balance_of(pledge)
    invoice = Invoice.objects.filter(pledge=pledge).first()
    payable = can_pay and (
        (pledge.payment_method == PaymentMethod.CARD and balance.due > 0)
        or (pledge.payment_method == PaymentMethod.BANK_TRANSFER and invoice is None)
    )
    if refusal:
        return {"pledge": pledge, "refusal": refusal if payable else ""}
    return {
        "pledge": pledge,
        "balance": balance,
        "can_pay_card": can_pay
        and balance.due > 0
        and pledge.payment_method == PaymentMethod.CARD
        and gateway.card_payments_available(),
        "card_unavailable": can_pay
        and pledge.payment_method == PaymentMethod.CARD
        and not gateway.card_payments_available(),
        "can_request_invoice": can_pay
        and invoice is None
        and pledge.payment_method == PaymentMethod.BANK_TRANSFER,
        "stand_in": gateway.uses_stand_in(),
    }


@register.inclusion_tag("finance/includes/money_sections.html")
def pledge_money_sections(pledge):
    documents = [("invoice", doc) for doc in Invoice.objects.filter(pledge=pledge)]
    documents += [("receipt", doc) for doc in Receipt.objects.filter(pledge=pledge)]
    documents += [("credit_note", doc) for doc in CreditNote.objects.filter(pledge=pledge)]
    documents.sort(key=lambda item: (item[1].issued_at, item[1].number))
    return {
        "pledge": pledge,
        "documents": documents,
        "payments": Payment.objects.filter(pledge=pledge).order_by("created_at", "pk"),
        "balance": balance_of(pledge),
    }
