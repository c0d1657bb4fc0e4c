"""Forms of benefit fulfilment: the sponsor's asset (one form per kind of asset), and the
organisers' deliver / waive / filter forms. Forms only collect input; the rules (sizes,
lengths, proof required, allowed moves) are checked by `assets.py` and `services.py`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.choices import BenefitKind
from marketplace.fulfilment.assets import MAX_FILE_BYTES
from marketplace.fulfilment.kinds import AssetType, Team
from marketplace.fulfilment.states import TaskState
from sponsors.logos import MAX_LOGO_BYTES

LOGO_ACCEPT = "image/png,image/jpeg,image/svg+xml,.png,.jpg,.jpeg,.svg"
FILE_ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


class LogoAssetForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        widget=forms.ClearableFileInput(attrs={"accept": LOGO_ACCEPT}),
    )

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _(
            "PNG or JPEG of at least %(w)s×%(h)s pixels, or SVG; at most %(mb)s MB."
        ) % {"w": rule.min_size[0], "h": rule.min_size[1], "mb": MAX_LOGO_BYTES // 1024 // 1024}


class TextAssetForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = rule.asset_label
        if rule.max_length:
            self.fields["text"].help_text = _("At most %(limit)s characters.") % {
                "limit": f"{rule.max_length:,}"
            }
            # The browser stops at the limit too; the server checks it whatever is sent.
            self.fields["text"].widget.attrs["maxlength"] = rule.max_length


class FileAssetForm(forms.Form):
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT})
    )

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = rule.asset_label
        self.fields["file"].help_text = _("PDF, PNG or JPEG, at most %(mb)s MB.") % {
            "mb": MAX_FILE_BYTES // 1024 // 1024
        }


ASSET_FORMS = {
    AssetType.LOGO: LogoAssetForm,
    AssetType.TEXT: TextAssetForm,
    AssetType.FILE: FileAssetForm,
}


def asset_form_for(task, data=None, files=None):
    """The form asking for the task's asset (None when the benefit needs nothing)."""
    form_class = ASSET_FORMS.get(task.rule.asset)
    if form_class is None:
        return None
    initial = {"text": task.asset_text} if task.rule.asset == AssetType.TEXT else None
    return form_class(data, files, rule=task.rule, initial=initial)


class DelegateForm(forms.Form):
    """One pass: the delegate's name and email (both blank for a pass not named yet; the
    rules are checked by `delegates.save_delegates`)."""

    name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)


def delegate_formset(task, data=None):
    """One row per pass, filled with the delegates named so far."""
    named = {d.position: d for d in task.delegates.all()}
    initial = [
        {"name": named[n].name, "email": named[n].email} if n in named else {}
        for n in range(1, task.quantity + 1)
    ]
    formset_class = forms.formset_factory(
        DelegateForm,
        extra=0,
        max_num=task.quantity,
        absolute_max=task.quantity,  # never more rows than passes, whatever is posted
        validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="delegates")


class DeliverForm(forms.Form):
    proof_file = forms.FileField(
        label=_("Photo or file"),
        required=False,
        help_text=_("A photo (PNG, JPEG) or a PDF showing the benefit delivered."),
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )
    proof_url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("For example the page or post where the logo appears."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this benefit is not delivered; kept in the task's history."),
    )


UNASSIGNED = "none"


class BoardFilterForm(forms.Form):
    """The fulfilment board's filters (GET). Empty means all. `events` are the events the
    reader may see (offered on the all-events board), `staff` the people tasks go to."""

    event = forms.ModelChoiceField(label=_("Event"), required=False, queryset=None)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All"))] + TaskState.choices
    )
    kind = forms.ChoiceField(
        label=_("Benefit"), required=False, choices=[("", _("All"))] + BenefitKind.choices
    )
    team = forms.ChoiceField(
        label=_("Team"), required=False, choices=[("", _("All"))] + Team.choices
    )
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    missing = forms.BooleanField(label=_("Sponsor material missing"), required=False)

    def __init__(self, *args, events, staff, with_event=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].empty_label = _("All")
        if not with_event:
            del self.fields["event"]
        self.staff = {str(user.pk): user for user in staff}
        self.fields["assignee"].choices = [("", _("Anyone")), (UNASSIGNED, _("Unassigned"))] + [
            (pk, user.get_full_name() or user.email) for pk, user in self.staff.items()
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("due_from"), cleaned.get("due_to")
        if start and end and end < start:
            self.add_error("due_to", _("The end of the range is before its start."))
        return cleaned


class BulkAction(forms.Form):
    """The board's bulk action on the ticked tasks: assign them, start them or remind their
    sponsors. Which tasks may be touched is decided by the view (the reader's scope)."""

    ASSIGN, START, REMIND = "assign", "start", "remind"
    action = forms.ChoiceField(
        label=_("With the selected tasks"),
        choices=[
            (ASSIGN, _("Assign to…")),
            (START, _("Start")),
            (REMIND, _("Remind the sponsor")),
        ],
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    task = forms.TypedMultipleChoiceField(
        label=_("Tasks"),
        coerce=int,
        error_messages={"required": _("Tick at least one task first.")},
    )

    def __init__(self, *args, staff, task_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in staff}
        self.fields["assignee"].choices = [("", "—"), (UNASSIGNED, _("Nobody (unassign)"))] + [
            (pk, user.get_full_name() or user.email) for pk, user in self.staff.items()
        ]
        self.fields["task"].choices = [(str(pk), str(pk)) for pk in task_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.ASSIGN and not cleaned.get("assignee"):
            self.add_error("assignee", _("Choose who the tasks go to."))
        return cleaned

    @property
    def chosen_assignee(self):
        value = self.cleaned_data.get("assignee")
        return None if value in ("", UNASSIGNED) else self.staff[value]


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in staff}
        self.fields["assignee"].choices = [(UNASSIGNED, _("Nobody (unassign)"))] + [
            (pk, user.get_full_name() or user.email) for pk, user in self.staff.items()
        ]

    @property
    def chosen_assignee(self):
        return self.staff.get(self.cleaned_data.get("assignee"))
