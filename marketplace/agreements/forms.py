"""Forms of the signing pages. They parse input; the rules (and their messages) are in
`signing.py`, so every field is optional here and the service names the one at fault."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=200, required=False)
    title = forms.CharField(label=_("Your title"), max_length=200, required=False)
    confirm = forms.BooleanField(required=False)
    document_sha256 = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, confirm_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = confirm_label
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["title"].widget.attrs.update(autocomplete="organization-title")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What changed (kept in the history)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CountersignForm(SignForm):
    """The organiser's countersignature: the same typed name, title and confirmation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["document_sha256"]
