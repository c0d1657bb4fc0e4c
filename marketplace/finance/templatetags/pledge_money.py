"""The pledge page's money parts: the next step, what the sponsor can do to pay, its
documents, its payments and balance. Template tags, so the pledges' views need no change and
never import finance. They live in finance, the app that sees both the payments (below it) and
its own documents (invoices, acknowledgements, receipts, credit notes), and they all read the
one balance (`marketplace/finance/balance.py`)."""

from django import template
from django.utils.translation import gettext as _

from marketplace.core.money import format_money
from marketplace.finance.balance import balance_of, balances_of
from marketplace.finance.invoices import invoice_of, invoice_status
from marketplace.finance.models import (
    CreditNote,
    Invoice,
    InvoiceStatus,
    PaymentAcknowledgement,
    Receipt,
)
from marketplace.payments import gateway
from marketplace.payments.balance import payable_problem
from marketplace.payments.models import Payment
from marketplace.pledges.models import PaymentMethod
from marketplace.pledges.states import PAYABLE_STATES, PledgeState

register = template.Library()


def next_step(pledge, balance) -> str:
    """The sentence for a pledge whose to-do list is empty (`marketplace/pledges/todo.py` owns
    what to pay, sign and supply): its state, told with what the balance knows of refunds and
    money held."""
    if pledge.status == PledgeState.REFUNDED:
        return _("Nothing to do: the pledge was refunded.")
    if balance.held > 0 and balance.due == 0 and pledge.status not in PAYABLE_STATES:
        return _("Nothing to do: finance will return the %(held)s received.") % {
            "held": format_money(balance.held, balance.currency)
        }
    return str(pledge.next_step)


@register.simple_tag(takes_context=True)
def pledge_next_step(context, pledge) -> str:
    """`{% pledge_next_step pledge %}`: `next_step`, read from the one balance. In a list (the
    context's `pledges`), the balances of all the listed pledges are read at the first call, in
    one go (`balances_of`), so a page of closed pledges costs the same queries as one."""
    listed = context.get("pledges")
    if listed is None:
        return next_step(pledge, balance_of(pledge))
    cache = context.render_context.setdefault("pledge_balances", {})
    if pledge.pk not in cache:
        cache.update(balances_of(listed))
    if pledge.pk not in cache:  # not one of the listed pledges
        cache[pledge.pk] = balance_of(pledge)
    return next_step(pledge, cache[pledge.pk])


@register.inclusion_tag("finance/includes/pay_actions.html")
def pledge_pay_actions(pledge, refusal=""):
    """The pay buttons the pledge's state allows; with `refusal` (the reader's role may not
    pay: `sponsors.membership`) that message in their place."""
    can_pay = payable_problem(pledge, pledge.payment_method) is None
    balance = balance_of(pledge)
    invoice = invoice_of(pledge)
    if invoice is not None and invoice.is_void:
        invoice = None
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
    """The documents (each invoice with its state, each credit note with what it corrects or
    cancels), the balance and the payments of the pledge."""
    balance = balance_of(pledge)
    documents = []
    for invoice in Invoice.objects.filter(pledge=pledge).select_related("void_note"):
        status = invoice_status(invoice, balance)
        documents.append(
            {
                "kind": "invoice",
                "document": invoice,
                "status": status,
                "status_label": InvoiceStatus(status).label,
            }
        )
    for queryset, kind in (
        (PaymentAcknowledgement.objects.all(), "acknowledgement"),
        (Receipt.objects.all(), "receipt"),
        (CreditNote.objects.select_related("receipt", "invoice"), "credit_note"),
    ):
        documents += [{"kind": kind, "document": doc} for doc in queryset.filter(pledge=pledge)]
    documents.sort(key=lambda item: (item["document"].issued_at, item["document"].number))
    return {
        "pledge": pledge,
        "documents": documents,
        "payments": Payment.objects.filter(pledge=pledge).order_by("created_at", "pk"),
        "balance": balance,
    }
