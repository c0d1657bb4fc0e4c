from django import forms
from django.utils.translation import gettext_lazy as _

from events.choices import Currency


class RecordTransferForm(forms.Form):
    pledge_reference = forms.CharField(
        label=_("Pledge reference"), max_length=20, help_text=_("As quoted on the transfer.")
    )
    amount = forms.DecimalField(label=_("Amount credited"), max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    value_date = forms.DateField(
        label=_("Value date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=100)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to refund"), max_digits=14, decimal_places=2)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the credit note."),
    )


class ResolveFlagForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 3})
    )
