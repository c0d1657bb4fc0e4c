"""Forms of the sponsor portal: the organisation, its contacts and its team."""

from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from sponsors.choices import DUE_DILIGENCE_CATEGORIES
from sponsors.logos import MAX_LOGO_BYTES, MAX_LOGO_PIXELS, clean_logo
from sponsors.models import Contact, Invitation, MemberRole, Organisation

DECLARATION_FIELDS = ("declares_no_excluded_activities", "accepts_global_compact")


def _formfield(db_field, **kwargs):
    # Addresses typed without a scheme are taken as https (Django 6's default).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        formfield_callback = _formfield
        fields = [
            "legal_name",
            "display_name",
            "country",
            "category",
            "website",
            "billing_address",
            "tax_id",
            "logo",
            "language",
            *DECLARATION_FIELDS,
        ]
        labels = {
            "legal_name": _("Legal name"),
            "display_name": _("Display name"),
            "country": _("Country"),
            "category": _("Partner category"),
            "website": _("Website"),
            "billing_address": _("Billing address"),
            "tax_id": _("Tax or VAT identification number"),
            "logo": _("Logo"),
            "language": _("Language for documents and mail"),
            "declares_no_excluded_activities": _(
                "We declare that our organisation is not involved in tobacco, arms or other "
                "activities excluded by the bureau's partnership policy."
            ),
            "accepts_global_compact": _(
                "We accept the ten principles of the UN Global Compact (human rights, labour, "
                "environment and anti-corruption)."
            ),
        }
        help_texts = {
            "legal_name": _("As registered, used on agreements and invoices."),
            "display_name": _("Shown on the site and in sponsor acknowledgements."),
            "website": _("For example https://www.example.com"),
            "language": _(
                "Receipts, invoices, credit notes and agreements are written in it, and mail to "
                "your contacts. Each member's own mail follows their personal language."
            ),
        }
        widgets = {
            "billing_address": forms.Textarea(attrs={"rows": 4}),
            "logo": forms.ClearableFileInput(
                attrs={"accept": "image/png,image/jpeg,image/svg+xml,.png,.jpg,.jpeg,.svg"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["category"].help_text = _(
            "Private-sector organisations and foundations make the due-diligence declaration below."
        )
        for name in ("billing_address", "tax_id"):
            self.fields[name].required = False
        # Formatted here, per request: formatted in Meta it was English for every reader.
        self.fields["logo"].help_text = _(
            "PNG, JPEG or SVG, at most %(mb)s MB and %(px)s pixels on each side."
        ) % {"mb": MAX_LOGO_BYTES // 1024 // 1024, "px": MAX_LOGO_PIXELS}
        # Not sent (an older form, an API client): the organisation keeps its language.
        self.fields["language"].required = False

    def clean_language(self):
        return (
            self.cleaned_data.get("language")
            or self.instance.language
            or self.initial.get("language")
            or settings.LANGUAGE_CODE
        )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return clean_logo(logo)
        return logo

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") in DUE_DILIGENCE_CATEGORIES:
            for name in DECLARATION_FIELDS:
                if not cleaned.get(name):
                    self.add_error(
                        name,
                        _("Private-sector organisations and foundations must make this "
                          "declaration."),
                    )  # fmt: skip
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("For the site, your emails and reminders."),
    )


class PrimaryContactForm(forms.Form):
    """The primary contact, asked for at onboarding (prefilled with the person signing up)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["role", "name", "email", "phone"]
        labels = {
            "role": _("Role"),
            "name": _("Name"),
            "email": _("Email"),
            "phone": _("Phone"),
        }
        help_texts = {
            "role": _(
                "Agreements go to the signatory and invoices to the finance contact; without "
                "them, the primary contact receives both."
            ),
        }


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        labels = {"email": _("Email"), "role": _("Role")}
        help_texts = {
            "role": _(
                "Administrators edit the organisation, manage its team, pledge, pay and sign; "
                "signatories sign agreements; finance pays and follows invoices and receipts; "
                "members read. An administrator can later let a member pledge or pay."
            ),
        }


class MembershipForm(forms.Form):
    """A member's role and the capabilities granted beyond it (the team page)."""

    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    may_pledge = forms.BooleanField(label=_("May pledge and cancel"), required=False)
    may_pay = forms.BooleanField(label=_("May pay"), required=False)


class SwitchOrganisationForm(forms.Form):
    organisation = forms.UUIDField(widget=forms.HiddenInput)


class SignInForm(LoginForm):
    """allauth's sign-in form, with the address filled in from `?email=` (the invitation page's
    "Sign in" link), as allauth's sign-up form already does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.request.GET.get("email", "") if self.request is not None else ""
        if email and "login" in self.fields and not self.is_bound:
            try:
                validate_email(email)
            except ValidationError:
                return
            self.fields["login"].initial = email
