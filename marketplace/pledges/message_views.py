"""Staff screens for messages to sponsors (`marketplace/pledges/sponsor_messages.py`): the
messages sent (organisers see their events' only), one message with each recipient's email
from the mail log, and "Write to sponsors" — a form, then the service."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button
from wagtail.models import Page

from events import scope
from events.models import SponsorshipPackagePage
from marketplace.core.admin import AdminActionView
from marketplace.pledges.models import SponsorAudience, new_form_token
from marketplace.pledges.sponsor_messages import (
    MessageAlreadySent,
    SponsorMessageError,
    send_sponsor_message,
)
from worker.models import MailLog

MESSAGE_PERMISSION = "pledges.message_sponsors"


class SponsorMessageForm(forms.Form):
    event = forms.ModelChoiceField(label=gettext_lazy("Event"), queryset=Page.objects.none())
    package = forms.ModelChoiceField(
        label=gettext_lazy("Package"),
        queryset=SponsorshipPackagePage.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every package of the event"),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("To"),
        choices=SponsorAudience.choices,
        initial=SponsorAudience.PAID,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Sent as written to each sponsor's team and primary contact; the greeting and "
            "footer are in each person's language when known."
        ),
    )

    # One per form shown: a second submit of the same form (double click, reload) is found by it
    # and sends nothing. Kept across a refused submit, so the corrected form is still "this one".
    form_token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": gettext_lazy(
                "This form has no sending token: reload the page and write again."
            )
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())
        events = list(scope.events_for(user).order_by("-start_date", "title"))
        self.fields["event"].queryset = scope.events_for(user).order_by("-start_date", "title")
        self.fields["event"].label_from_instance = lambda e: f"{e.acronym} — {e.title}"
        acronyms = {event.path: event.acronym for event in events}
        under_events = Q(pk__in=[])
        for event in events:
            under_events |= Q(path__startswith=event.path, depth=event.depth + 1)
        self.fields["package"].queryset = SponsorshipPackagePage.objects.filter(
            under_events
        ).order_by("path")
        self.fields["package"].label_from_instance = lambda p: (
            f"{acronyms.get(p.path[: -Page.steplen], '')} — {p.title}"
        )


class WriteToSponsorsView(AdminActionView):
    template_name = "pledges/admin/write_to_sponsors.html"
    permission = MESSAGE_PERMISSION
    form_class = SponsorMessageForm
    domain_errors = (SponsorMessageError,)
    action_label = gettext_lazy("Write to sponsors")
    header_icon = "mail"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"event": self.request.GET.get("event") or None}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("sponsor_messages:index"), "label": _("Messages to sponsors")},
            {"url": "", "label": self.action_label},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(action_label=self.action_label, cancel_url=reverse("sponsor_messages:index"))
        return context

    def perform(self, data):
        self.message = send_sponsor_message(
            event=data["event"].specific,
            package=data["package"],
            audience=data["audience"],
            subject=data["subject"],
            body=data["body"],
            actor=self.request.user,
            form_token=data["form_token"],
        )
        return ngettext(
            "Message sent to %(recipients)s address at %(organisations)s sponsor.",
            "Message sent to %(recipients)s addresses at %(organisations)s sponsors.",
            self.message.recipients,
        ) % {
            "recipients": self.message.recipients,
            "organisations": self.message.organisations,
        }

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except MessageAlreadySent as repeat:
            messages.warning(
                self.request,
                _(
                    "This form was sent already, on %(when)s: nothing was sent again. "
                    "Here is the message it sent."
                )
                % {"when": date_format(localtime(repeat.first.sent_at), "DATETIME_FORMAT")},
            )
            return redirect("sponsor_messages:inspect", repeat.first.pk)

    def get_success_url(self):
        return reverse("sponsor_messages:inspect", args=[self.message.pk])


class SponsorMessageIndexView(scope.ScopedIndexMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event", "package", "sent_by")

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm(MESSAGE_PERMISSION):
            buttons.append(Button(_("Write to sponsors"), url=reverse("sponsor_messages:write")))
        return buttons


class SponsorMessageInspectView(scope.ScopedInspectMixin, generic.InspectView):
    template_name = "pledges/admin/sponsor_message.html"

    def get_fields(self):
        return []  # laid out by the template

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            message=self.object,
            emails=MailLog.objects.filter(key__startswith=self.object.mail_key_prefix)
            .select_related("organisation")
            .order_by("to"),
        )
        return context
