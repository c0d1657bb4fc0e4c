"""Finance's forms for statements: the upload, and allocating an unallocated line."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.finance.statements.accounts import configured_accounts
from marketplace.finance.statements.csv_profiles import profiles

MB = 1024 * 1024


def max_statement_bytes() -> int:
    return settings.BANK_STATEMENT_MAX_MB * MB


class ImportStatementForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("camt.053 (XML), MT940 or a CSV export of the bank."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[
            ("", _("Detect from the file")),
            ("camt053", "camt.053"),
            ("mt940", "MT940"),
            ("csv", "CSV"),
        ],
    )
    profile = forms.ChoiceField(label=_("CSV profile"), required=False)
    account = forms.ChoiceField(
        label=_("Bank account"),
        required=False,
        help_text=_("Only needed when the file does not name the account's IBAN."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [("", _("Default"))] + [
            (name, name) for name in sorted(profiles())
        ]
        self.fields["account"].choices = [("", _("As the file says"))] + [
            (account.iban, account.label) for account in configured_accounts()
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_statement_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(limit)s MB is accepted.")
                % {
                    "size": f"{upload.size / MB:.1f}",
                    "limit": settings.BANK_STATEMENT_MAX_MB,
                }
            )
        return upload


class AllocateLineForm(forms.Form):
    target = forms.ChoiceField(label=_("Allocate to"), required=False, widget=forms.RadioSelect)
    other = forms.CharField(
        label=_("Or another pledge reference or invoice number"), max_length=30, required=False
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (
                c.target,
                f"{c.target} — {c.pledge.organisation.display_name} ({'; '.join(c.reasons)})",
            )
            for c in candidates
        ]

    def clean(self):
        data = super().clean()
        chosen = (data.get("other") or "").strip() or data.get("target")
        if not chosen:
            raise forms.ValidationError(_("Choose a candidate or enter a reference."))
        data["chosen"] = chosen
        return data
