"""Forms of the resource-mobilisation screens."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from marketplace.pledges.models import Pledge
from register.choices import AreaOfAction, Region
from register.currencies import validate_currency
from register.models import PartnershipAgreement, staff_users
from register.pipeline.codes import AREA_BITS, REGION_BITS, mask_of
from register.pipeline.stages import DEFAULT_PROBABILITY, OPEN_STAGES, Stage, allowed_next


def owners():
    return get_user_model().objects.filter(staff_users()).distinct().order_by("first_name", "email")


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class OpportunityAdminForm(WagtailAdminModelForm):
    """Regions and areas as checkboxes (stored as bit masks); the stage is chosen at creation
    only (among the open ones) — afterwards it changes by moves, which are audited."""

    regions = forms.MultipleChoiceField(
        label=_("Beneficiary regions"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
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
        if "stage" in self.fields:
            if self.instance.pk:
                self.fields["stage"].disabled = True
                self.fields["stage"].help_text = _(
                    "Move the opportunity on the board to change its stage."
                )
                if not self.instance.is_open:
                    # Closed: what it won (or why it was lost) is settled by its moves.
                    for name in ("probability", "prospect"):
                        if name in self.fields:
                            self.fields[name].disabled = True
            else:
                self.fields["stage"].choices = [(s, Stage(s).label) for s in OPEN_STAGES]

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        validate_currency(currency)
        return currency

    def clean(self):
        cleaned = super().clean()
        stage = cleaned.get("stage")
        if (
            not self.instance.pk
            and stage
            and cleaned.get("probability") == DEFAULT_PROBABILITY[Stage.IDENTIFIED]
        ):
            cleaned["probability"] = DEFAULT_PROBABILITY[stage]
        return cleaned

    def save(self, commit=True):
        self.instance.region_mask = mask_of(self.cleaned_data.get("regions", []), REGION_BITS)
        self.instance.area_mask = mask_of(self.cleaned_data.get("areas", []), AREA_BITS)
        return super().save(commit=commit)


class UpperCurrencyForm(WagtailAdminModelForm):
    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        validate_currency(currency)
        return currency


class BoardFilterForm(forms.Form):
    owner = OwnerChoiceField(
        label=_("Business owner"), queryset=None, required=False, empty_label=_("All owners")
    )
    area = forms.ChoiceField(
        label=_("Area of action"),
        required=False,
        choices=[("", _("All areas")), *AreaOfAction.choices],
    )
    region = forms.ChoiceField(
        label=_("Beneficiary region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners()


class MoveForm(forms.Form):
    """Move one opportunity: the stage (only those allowed from where it is), why, and for
    won the agreement or pledge it resulted in, for lost the reason."""

    stage = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Why (kept in the history)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty for the stage's default."),
    )
    agreement = forms.ModelChoiceField(
        label=_("Resulting agreement (for won)"),
        required=False,
        queryset=PartnershipAgreement.objects.none(),
        help_text=_("The signed agreement in the register."),
    )
    agreement_reference = forms.CharField(
        label=_("or its reference (for won)"),
        required=False,
        max_length=64,
        help_text=_("The register reference, e.g. BDT/2026/001."),
    )
    pledge_reference = forms.CharField(
        label=_("or resulting pledge reference (for won)"),
        required=False,
        max_length=20,
        help_text=_("A paid marketplace pledge, e.g. PLG-2026-00012."),
    )
    lost_reason = forms.CharField(
        label=_("Why it was lost (for lost)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, opportunity, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        self.fields["stage"].choices = [
            (s, Stage(s).label) for s in allowed_next(opportunity.stage)
        ]
        partner = opportunity.prospect.partner
        if partner is None and opportunity.prospect.organisation_id:
            partner = getattr(opportunity.prospect.organisation, "partner", None)
        if partner is not None:
            # The partner's own signed agreements not yet linked: a short list to pick from.
            self.fields["agreement"].queryset = (
                PartnershipAgreement.objects.exclude(status="draft")
                .filter(opportunity__isnull=True, partner_links__partner=partner)
                .order_by("-signed_on", "reference")
            )
        else:
            # A new organisation: the register may hold 100,000 agreements, so no list; the
            # reference is typed instead.
            del self.fields["agreement"]

    def clean_agreement_reference(self):
        reference = " ".join(self.cleaned_data.get("agreement_reference", "").split())
        if not reference:
            return None
        agreement = PartnershipAgreement.objects.filter(reference__iexact=reference).first()
        if agreement is None:
            raise forms.ValidationError(
                _("No agreement in the register has the reference %(ref)s."),
                params={"ref": reference},
            )
        return agreement

    def chosen_agreement(self):
        """The agreement picked in the list, else the one named by its reference."""
        return self.cleaned_data.get("agreement") or self.cleaned_data.get("agreement_reference")

    def clean_pledge_reference(self):

        reference = self.cleaned_data.get("pledge_reference", "").strip().upper()
        if not reference:
            return None
        pledge = Pledge.objects.filter(reference=reference).first()
        if pledge is None:
            raise forms.ValidationError(
                _("No pledge has the reference %(ref)s."), params={"ref": reference}
            )
        return pledge


class KpiFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100, required=False)

    def year_or_default(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year
