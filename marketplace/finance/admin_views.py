"""Finance's own admin screens: unallocated money (record, allocate, mark to return), an
invoice's page with its state and balance, re-issuing it, and settling a small remaining due
(bank charges, write-off). Each action is a form, then one service (`unallocated.py`,
`invoices.py`), through `marketplace.core.admin.AdminActionView`; a refusal shows on the form
and changes nothing."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from marketplace.core.money import format_money
from marketplace.finance import invoices, unallocated
from marketplace.finance.balance import balance_of
from marketplace.finance.forms import (
    AllocateForm,
    ReasonForm,
    RecordUnallocatedForm,
    ReissueInvoiceForm,
    ReturnedForm,
    SettleDueForm,
)
from marketplace.finance.models import (
    Invoice,
    InvoiceStatus,
    UnallocatedStatus,
    UnallocatedTransfer,
)
from marketplace.finance.states import UNALLOCATED_MACHINE, InvalidUnallocatedMove
from marketplace.payments.admin_views import FinanceActionView
from marketplace.payments.errors import PaymentError
from marketplace.pledges.states import PAYABLE_STATES

RECORD_UNALLOCATED = "finance.record_unallocated"
ALLOCATE = "finance.allocate_transfer"
REISSUE = "finance.reissue_invoice"
BANK_CHARGE = "finance.book_bank_charge"
WRITE_OFF = "finance.write_off"


class MoneyActionView(FinanceActionView):
    domain_errors = (PaymentError, InvalidUnallocatedMove)


# --- Unallocated money --------------------------------------------------------------------


def transfer_actions(transfer, user) -> list[tuple[str, str, str]]:
    """(name, label, url) of the steps `user` may take on `transfer` now: allocate, mark to
    return, record as returned. Shown on its page and in the list's row."""
    if not user.has_perm(ALLOCATE):
        return []
    actions = []
    if UNALLOCATED_MACHINE.allows(transfer.status, UnallocatedStatus.ALLOCATED):
        actions.append(
            ("allocate", _("Allocate"), reverse("finance_unallocated:allocate", args=[transfer.pk]))
        )
    if UNALLOCATED_MACHINE.allows(transfer.status, UnallocatedStatus.TO_RETURN):
        actions.append(
            (
                "to_return",
                _("Mark to be returned"),
                reverse("finance_unallocated:to_return", args=[transfer.pk]),
            )
        )
    if UNALLOCATED_MACHINE.allows(transfer.status, UnallocatedStatus.RETURNED):
        actions.append(
            (
                "returned",
                _("Record as returned"),
                reverse("finance_unallocated:returned", args=[transfer.pk]),
            )
        )
    return actions


class UnallocatedIndexView(generic.IndexView):
    def get_edit_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        for name, label, url in transfer_actions(instance, self.request.user):
            buttons.append(Button(label, url=url, attrs={"data-transfer-action": name}))
        return buttons

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm(RECORD_UNALLOCATED):
            buttons.append(
                Button(
                    _("Record a transfer matching no pledge"),
                    url=reverse("finance_unallocated:record"),
                )
            )
        return buttons


class UnallocatedInspectView(generic.InspectView):
    template_name = "finance/admin/unallocated.html"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer = self.object
        context.update(
            transfer=transfer,
            remaining=transfer.remaining,
            allocations=transfer.allocations.select_related("pledge", "invoice", "payment"),
            history=transfer.history.select_related("actor"),
            actions=transfer_actions(transfer, self.request.user),
        )
        return context


class RecordUnallocatedView(MoneyActionView):
    permission = RECORD_UNALLOCATED
    form_class = RecordUnallocatedForm
    action_label = gettext_lazy("Record a transfer matching no pledge")
    summary = gettext_lazy(
        "For money that arrived with a reference no pledge has, or in another currency: it "
        "waits in the unallocated list until you allocate it or mark it to be returned."
    )

    def get_success_url(self):
        if getattr(self, "transfer", None) is not None:
            return reverse("finance_unallocated:inspect", args=[self.transfer.pk])
        return reverse("finance_unallocated:index")

    def perform(self, data):
        self.transfer = unallocated.record_unallocated(actor=self.request.user, **data)
        return _("Transfer %(reference)s (%(amount)s) is in the unallocated list.") % {
            "reference": self.transfer.bank_reference,
            "amount": format_money(self.transfer.amount, self.transfer.currency),
        }


class TransferActionView(MoneyActionView):
    permission = ALLOCATE

    def load(self, pk):
        self.transfer = get_object_or_404(UnallocatedTransfer, pk=pk)
        self.summary = _("%(reference)s from %(payer)s: %(amount)s, %(left)s left to allocate.") % {
            "reference": self.transfer.bank_reference,
            "payer": self.transfer.payer_name or "—",
            "amount": format_money(self.transfer.amount, self.transfer.currency),
            "left": format_money(self.transfer.remaining, self.transfer.currency),
        }

    def get_success_url(self):
        return reverse("finance_unallocated:inspect", args=[self.transfer.pk])


class AllocateView(TransferActionView):
    form_class = AllocateForm
    action_label = gettext_lazy("Allocate unallocated money")

    def perform(self, data):
        parts = AllocateForm.parts(data)
        allocations = unallocated.allocate(self.transfer, parts, actor=self.request.user)
        return _("Allocated to %(pledges)s.") % {
            "pledges": ", ".join(a.pledge.reference for a in allocations)
        }


class MarkToReturnView(TransferActionView):
    form_class = ReasonForm
    action_label = gettext_lazy("Mark to be returned")

    def perform(self, data):
        unallocated.mark_to_return(self.transfer, reason=data["reason"], actor=self.request.user)
        return _("Marked to be returned to the payer.")


class MarkReturnedView(TransferActionView):
    form_class = ReturnedForm
    action_label = gettext_lazy("Record as returned")

    def load(self, pk):
        super().load(pk)
        self.summary = _(
            "%(reference)s from %(payer)s: %(left)s to send back (%(amount)s received). Record "
            "it once the bank has sent it: the ledger then moves it out of the bank account."
        ) % {
            "reference": self.transfer.bank_reference,
            "payer": self.transfer.payer_name or "—",
            "left": format_money(self.transfer.remaining, self.transfer.currency),
            "amount": format_money(self.transfer.amount, self.transfer.currency),
        }

    def perform(self, data):
        transfer = unallocated.mark_returned(
            self.transfer,
            returned_on=data["returned_on"],
            bank_reference=data["bank_reference"],
            actor=self.request.user,
        )
        return _("%(amount)s returned to the payer (%(reference)s).") % {
            "amount": format_money(transfer.returned_amount, transfer.currency),
            "reference": transfer.return_reference,
        }


# --- Invoices -----------------------------------------------------------------------------


def invoice_context(invoice, user) -> dict:
    """An invoice's state and its pledge's balance, and the actions the user may take on it."""
    balance = balance_of(invoice.pledge)
    status = invoices.invoice_status(invoice, balance)
    current = invoices.invoice_of(invoice.pledge)
    payable = invoice.pledge.status in PAYABLE_STATES and balance.net > 0 and balance.due > 0
    return {
        "balance": balance,
        "status": status,
        "status_label": InvoiceStatus(status).label,
        "void_note": getattr(invoice, "void_note", None) if invoice.is_void else None,
        "replaced_by": getattr(invoice, "replaced_by", None) if invoice.is_void else None,
        "can_reissue": user.has_perm(REISSUE)
        and current.pk == invoice.pk
        and status != InvoiceStatus.VOID,
        "can_book_bank_charge": user.has_perm(BANK_CHARGE)
        and payable
        and balance.due <= unallocated.bank_charge_tolerance(),
        "can_write_off": user.has_perm(WRITE_OFF)
        and payable
        and balance.due <= unallocated.write_off_limit(),
    }


class InvoiceActionView(MoneyActionView):
    def load(self, pk):
        self.invoice = get_object_or_404(Invoice.objects.select_related("pledge"), pk=pk)
        balance = balance_of(self.invoice.pledge)
        self.summary = _("%(number)s, pledge %(reference)s: %(status)s; still due %(due)s.") % {
            "number": self.invoice.number,
            "reference": self.invoice.pledge.reference,
            "status": InvoiceStatus(invoices.invoice_status(self.invoice, balance)).label,
            "due": format_money(balance.due, balance.currency),
        }

    def get_success_url(self):
        target = getattr(self, "result", None) or self.invoice
        return reverse("finance_invoices:inspect", args=[target.pk])


class ReissueInvoiceView(InvoiceActionView):
    permission = REISSUE
    form_class = ReissueInvoiceForm
    action_label = gettext_lazy("Re-issue the invoice")

    def get_initial(self):
        return {
            "billing_address": self.invoice.payer.get("billing_address", ""),
            "po_number": self.invoice.po_number,
        }

    def perform(self, data):
        self.result = invoices.reissue_invoice(self.invoice, actor=self.request.user, **data)
        return _("%(old)s is void (credit note %(note)s); %(new)s replaces it.") % {
            "old": self.invoice.number,
            "note": Invoice.objects.get(pk=self.invoice.pk).void_note.number,
            "new": self.result.number,
        }


class BookBankChargeView(InvoiceActionView):
    permission = BANK_CHARGE
    form_class = SettleDueForm
    action_label = gettext_lazy("Book the difference as bank charges")

    def perform(self, data):
        adjustment = unallocated.book_bank_charge(
            self.invoice.pledge,
            amount=data["amount"],
            reason=data["reason"],
            actor=self.request.user,
        )
        return _("%(amount)s booked as bank charges on %(reference)s.") % {
            "amount": format_money(adjustment.amount, adjustment.currency),
            "reference": self.invoice.pledge.reference,
        }


class WriteOffView(InvoiceActionView):
    permission = WRITE_OFF
    form_class = SettleDueForm
    action_label = gettext_lazy("Write off the remaining due")

    def perform(self, data):
        adjustment = unallocated.write_off(
            self.invoice.pledge,
            amount=data["amount"],
            reason=data["reason"],
            actor=self.request.user,
        )
        return _("%(amount)s written off on %(reference)s.") % {
            "amount": format_money(adjustment.amount, adjustment.currency),
            "reference": self.invoice.pledge.reference,
        }
