"""Finance's payment screens in the Wagtail admin: payments (filters, search, a payment with its
history, refunds and flags), record a received transfer, refund, resolve a flag."""

import django_filters
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from marketplace.core.admin import AdminActionView
from marketplace.core.money import format_money
from marketplace.payments import bank, refunds
from marketplace.payments.balance import balance_of
from marketplace.payments.errors import PaymentError
from marketplace.payments.forms import RecordTransferForm, RefundForm, ResolveFlagForm
from marketplace.payments.models import Flag, Payment
from marketplace.payments.moves import resolve_flag
from marketplace.payments.states import PaymentStatus
from marketplace.pledges.models import PaymentMethod, Pledge

RECORD = "payments.record_transfer"
REFUND = "payments.refund_payment"
RESOLVE = "payments.resolve_flag"


def open_flags():
    return Flag.objects.filter(payment=OuterRef("pk"), resolved_at__isnull=True)


class PaymentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=PaymentStatus.choices
    )
    method = django_filters.ChoiceFilter(
        label=gettext_lazy("Method"), choices=PaymentMethod.choices
    )
    flagged = django_filters.BooleanFilter(
        label=gettext_lazy("Flagged for finance"), method="by_flag"
    )

    class Meta:
        model = Payment
        fields = ["status", "method"]

    def by_flag(self, queryset, name, value):
        return (
            queryset.filter(Exists(open_flags()))
            if value
            else queryset.exclude(Exists(open_flags()))
        )


class PaymentIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("pledge", "pledge__organisation")
            .annotate(flagged=Exists(open_flags()))
        )

    def get_edit_url(self, instance):
        return None

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm(RECORD):
            buttons.append(
                Button(_("Record a bank transfer"), url=reverse("finance_payments:record_transfer"))
            )
        return buttons


class PaymentInspectView(generic.InspectView):
    template_name = "payments/admin/inspect.html"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payment = self.object
        user = self.request.user
        context.update(
            payment=payment,
            balance=balance_of(payment.pledge),
            history=payment.history.select_related("actor"),
            refunds=payment.refunds.select_related("credit_note", "created_by"),
            flags=payment.flags.all(),
            can_refund=user.has_perm(REFUND) and payment.refundable_amount > 0,
            can_resolve=user.has_perm(RESOLVE),
            refund_url=reverse("finance_payments:refund", args=[payment.pk]),
        )
        return context


class FinanceActionView(AdminActionView):
    """A finance action (see `marketplace.core.admin.AdminActionView`): `summary` says what it
    is on; cancelling goes back where success would."""

    template_name = "payments/admin/action.html"
    domain_errors = (PaymentError,)
    summary = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(summary=self.summary, cancel_url=self.get_success_url())
        return context


class RecordTransferView(FinanceActionView):
    permission = RECORD
    form_class = RecordTransferForm
    action_label = gettext_lazy("Record a bank transfer")

    def get_initial(self):
        initial = {}
        pledge = Pledge.objects.filter(reference=self.request.GET.get("pledge", "")).first()
        if pledge is not None:
            initial.update(pledge_reference=pledge.reference, currency=pledge.currency)
        return initial

    def get_success_url(self):
        return reverse("finance_payments:index")

    def perform(self, data):
        pledge = Pledge.objects.filter(reference=data["pledge_reference"].strip().upper()).first()
        if pledge is None:
            raise PaymentError(
                _("No pledge has the reference %(reference)s.")
                % {"reference": data["pledge_reference"]},
                field="pledge_reference",
            )
        payment, outcome = bank.record_transfer(
            pledge,
            amount=data["amount"],
            currency=data["currency"],
            value_date=data["value_date"],
            bank_reference=data["bank_reference"],
            actor=self.request.user,
        )
        self.payment = payment
        balance = balance_of(pledge)
        if balance.due > 0:
            state = _("%(due)s is still due.") % {"due": format_money(balance.due, pledge.currency)}
        elif balance.over > 0:
            state = _("Paid in full, with %(over)s over-paid: flagged for a refund decision.") % {
                "over": format_money(balance.over, pledge.currency)
            }
        else:
            state = _("Paid in full.")
        if outcome == "flagged":
            state = _("The pledge no longer takes payment: flagged for a refund decision.")
        return _("Transfer %(bank_reference)s recorded for %(reference)s. %(state)s") % {
            "bank_reference": payment.bank_reference,
            "reference": pledge.reference,
            "state": state,
        }


class RefundView(FinanceActionView):
    permission = REFUND
    form_class = RefundForm
    action_label = gettext_lazy("Refund a payment")

    def load(self, pk):
        self.payment = get_object_or_404(Payment.objects.select_related("pledge"), pk=pk)
        self.summary = _(
            "%(payment)s: %(method)s, %(amount)s received; %(left)s can still be refunded."
        ) % {
            "payment": self.payment,
            "method": self.payment.get_method_display(),
            "amount": format_money(self.payment.amount, self.payment.currency),
            "left": format_money(self.payment.refundable_amount, self.payment.currency),
        }

    def get_initial(self):
        return {"amount": self.payment.refundable_amount}

    def get_success_url(self):
        return reverse("finance_payments:inspect", args=[self.payment.pk])

    def perform(self, data):
        refund = refunds.refund_payment(
            self.payment, amount=data["amount"], reason=data["reason"], actor=self.request.user
        )
        note = getattr(refund, "credit_note", None)
        return _("Refunded %(amount)s.%(note)s") % {
            "amount": format_money(refund.amount, refund.currency),
            "note": (" " + _("Credit note %(number)s issued.") % {"number": note.number})
            if note
            else "",
        }


class ResolveFlagView(FinanceActionView):
    permission = RESOLVE
    form_class = ResolveFlagForm
    action_label = gettext_lazy("Resolve a flag")

    def load(self, pk):
        self.flag = get_object_or_404(Flag, pk=pk, resolved_at__isnull=True)
        self.summary = f"{self.flag.get_kind_display()}: {self.flag.message}"

    def get_success_url(self):
        return reverse("finance_flags:index")

    def perform(self, data):
        resolve_flag(self.flag, actor=self.request.user, resolution=data["resolution"])
        return _("Flag resolved.")
