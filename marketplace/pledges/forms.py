"""Forms of the sponsor portal's pledge pages. They parse input; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.pledges.models import PaymentMethod


class PledgeForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        initial=1,
        error_messages={"min_value": _("Enter a whole number of at least 1.")},
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        initial=PaymentMethod.BANK_TRANSFER,
    )
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the event's terms on behalf of my organisation."),
        error_messages={"required": _("You must accept the event's terms to pledge.")},
    )
    terms_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, max_quantity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if max_quantity:
            # A hint for the browser only: the service gives the precise reason for a refusal.
            self.fields["quantity"].widget.attrs["max"] = max_quantity
            self.fields["quantity"].help_text = _("At most %(max)s.") % {"max": max_quantity}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendHoldForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Hold until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("In UTC. Not past the end of the sponsorship deadline day."),
    )
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
