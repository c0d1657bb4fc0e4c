"""Finance's part of the sponsor's to-do list (`marketplace/pledges/todo.py`): what to pay, how,
and by when. Registered by `FinanceConfig.ready`.

The amount is what the pledge's balance says is still due (`balances_of`: one read for all the
list's pledges, in a constant number of queries), so a part-paid pledge asks for the rest, and a
pledge paid in full asks for nothing."""

from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.money import format_money
from marketplace.finance.balance import balances_of
from marketplace.finance.models import Invoice
from marketplace.payments.balance import offered_pledge_ids, payable_problem
from marketplace.pledges.models import PaymentMethod
from marketplace.pledges.states import PAYABLE_STATES
from marketplace.pledges.todo import PAY, SPONSOR_TODO, ToDo


@SPONSOR_TODO.register(10, "finance: pay what is due")
def payment_steps(pledges) -> list[ToDo]:
    payable = [p for p in pledges if p.status in PAYABLE_STATES]
    if not payable:
        return []
    invoices = {
        invoice.pledge_id: invoice
        for invoice in Invoice.objects.filter(pledge__in=[p.pk for p in payable])
    }
    balances = balances_of(payable)
    offered = offered_pledge_ids(payable)
    items = []
    for pledge in payable:
        # Expired, or a waiting-list offer to accept first (that step is listed instead).
        if payable_problem(pledge, offered=offered):
            continue
        due = balances[pledge.pk].due
        if due <= 0:
            continue
        amount = format_money(due, pledge.currency)
        detail_url = reverse("pledges:detail", args=[pledge.public_id])
        invoice = invoices.get(pledge.pk)
        if pledge.payment_method == PaymentMethod.CARD:
            text = _("Pay %(amount)s by card") % {"amount": amount}
            detail = _("On the pledge's page, “Pay by card” opens Stripe's secure page.")
            url, action = detail_url + "#pay", _("Pay now")
        elif invoice is None:
            text = _("Pay %(amount)s by bank transfer") % {"amount": amount}
            detail = _(
                "Get the invoice on the pledge's page: it gives the bank details and the "
                "reference to quote."
            )
            url, action = detail_url + "#pay", _("Get the invoice")
        else:
            text = _("Pay %(amount)s by bank transfer (invoice %(number)s)") % {
                "amount": amount,
                "number": invoice.number,
            }
            detail = _("Quote %(reference)s as the payment reference.") % {
                "reference": pledge.reference
            }
            url = reverse("payments:download", args=[pledge.public_id, "invoice", invoice.number])
            action = _("Download the invoice")
        items.append(
            ToDo(
                pledge.pk,
                PAY,
                text,
                deadline=pledge.expires_at,
                url=url,
                action=action,
                detail=detail,
                key="pay",
            )
        )
    return items
