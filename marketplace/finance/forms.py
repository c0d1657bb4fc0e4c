"""Finance's admin forms: unallocated money, re-issuing an invoice, settling a small due."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.choices import Currency

ALLOCATION_ROWS = 4


class RecordUnallocatedForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount credited"), max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    value_date = forms.DateField(
        label=_("Value date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=90)
    payer_name = forms.CharField(
        label=_("Payer, as on the statement"), max_length=200, required=False
    )
    quoted_reference = forms.CharField(
        label=_("Reference quoted"),
        max_length=200,
        required=False,
        help_text=_("What the payer wrote, e.g. a mistyped pledge reference."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AllocateForm(forms.Form):
    """Up to four parts: each a pledge reference or invoice number and an amount."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(1, ALLOCATION_ROWS + 1):
            self.fields[f"target_{row}"] = forms.CharField(
                label=_("Pledge reference or invoice number (%(row)d)") % {"row": row},
                max_length=30,
                required=row == 1,
            )
            self.fields[f"amount_{row}"] = forms.DecimalField(
                label=_("Amount (%(row)d)") % {"row": row},
                max_digits=14,
                decimal_places=2,
                required=row == 1,
            )

    def clean(self):
        data = super().clean()
        for row in range(1, ALLOCATION_ROWS + 1):
            target, amount = data.get(f"target_{row}"), data.get(f"amount_{row}")
            if target and amount is None:
                self.add_error(f"amount_{row}", _("Enter the amount for this pledge."))
            if amount is not None and not target:
                self.add_error(f"target_{row}", _("Name the pledge or invoice for this amount."))
        return data

    @staticmethod
    def parts(data) -> list[tuple[str, object]]:
        """The (target, amount) pairs filled in, from the cleaned data."""
        return [
            (data[f"target_{row}"], data[f"amount_{row}"])
            for row in range(1, ALLOCATION_ROWS + 1)
            if data.get(f"target_{row}")
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnedForm(forms.Form):
    """The money sent back: when, with the bank's reference, confirmed by a tick."""

    returned_on = forms.DateField(
        label=_("Date the money left the bank"), widget=forms.DateInput(attrs={"type": "date"})
    )
    bank_reference = forms.CharField(
        label=_("Bank reference of the return"),
        max_length=90,
        help_text=_("As on the bank statement of the outgoing payment."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the bank has sent this money back to the payer."),
        error_messages={"required": _("Tick the box to confirm the money was sent back.")},
    )


class SettleDueForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave blank for all that is still due."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReissueInvoiceForm(forms.Form):
    billing_address = forms.CharField(
        label=_("Billing address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("As it should be printed, country included."),
    )
    po_number = forms.CharField(label=_("Purchase-order number"), max_length=60, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Printed on the credit note that voids the current invoice."),
    )
