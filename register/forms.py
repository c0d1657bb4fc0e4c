"""Forms of the register's admin screens."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from register.choices import AreaOfAction, Region
from register.currencies import validate_currency

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class AgreementAdminForm(WagtailAdminModelForm):
    """The agreement form, with beneficiary regions and areas of action as checkboxes (they
    are stored as child rows by `services.finish_save`)."""

    regions = forms.MultipleChoiceField(
        label=_("Beneficiary regions"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("An agreement for k regions counts 1/k in each in the statistics."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas of action"),
        choices=AreaOfAction.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("regions", self.instance.region_codes)
            self.initial.setdefault("areas", self.instance.area_codes)

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        validate_currency(currency)
        return currency

    def clean(self):
        cleaned = super().clean()
        partners = self.formsets.get("partner_links") if hasattr(self, "formsets") else None
        if partners is not None and partners.is_valid():
            chosen = [
                form.cleaned_data.get("partner")
                for form in partners.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            chosen = [partner for partner in chosen if partner]
            if not chosen:
                self.add_error(None, _("Add at least one partner."))
            elif len(set(chosen)) != len(chosen):
                self.add_error(None, _("A partner is listed twice."))
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with exactly the register's columns (as the export gives them)."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (store nothing)"), required=False, initial=True
    )
    update = forms.BooleanField(
        label=_("Overwrite the stored agreements this file changes"),
        required=False,
        help_text=_(
            "A row whose reference is already in the register and whose columns differ is "
            "refused unless you tick this. Check first: the changes are listed field by field."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        return upload
