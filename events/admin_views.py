"""Organisers' admin action on an event: clone its catalogue into next year's event (the form
in front of `events.cloning.clone_event`, reached from the event's page header in the explorer).

Allowed to whoever may add pages where the copy goes (the events index) and works on the event
(`events/scope.py`; another event is a 404). A refusal (taken acronym or address) is shown on
the form and creates nothing; success opens the new draft event in the editor."""

import datetime
import re

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy, ngettext

from events import scope
from events.cloning import clone_event
from events.models import EventPage
from marketplace.core.admin import AdminActionView


class CloneRefused(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


class CloneEventForm(forms.Form):
    acronym = forms.CharField(
        label=gettext_lazy("Acronym of the new event"),
        max_length=20,
        help_text=gettext_lazy("Also its address, e.g. GSR-27 → /gsr-27/."),
    )
    start_date = forms.DateField(
        label=gettext_lazy("First day of the new event"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The end date, the sponsorship deadline and the packages' dates move by as many days."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Leave empty to keep the title with the acronym replaced."),
    )


def next_acronym(acronym: str) -> str:
    """GSR-26 → GSR-27: the trailing number plus one, same width; unchanged without one."""
    match = re.search(r"(\d+)$", acronym)
    if not match:
        return acronym
    number = str(int(match.group(1)) + 1).zfill(len(match.group(1)))
    return acronym[: match.start()] + number


def a_year_later(day: datetime.date) -> datetime.date:
    """The same weekday 52 weeks on, so a Monday-to-Friday event stays one."""
    return day + datetime.timedelta(weeks=52)


class CloneEventView(AdminActionView):
    template_name = "events/admin/clone.html"
    form_class = CloneEventForm
    domain_errors = (CloneRefused,)
    action_label = gettext_lazy("Clone the catalogue")
    header_icon = "copy"

    def load(self, event_id):
        event = EventPage.objects.filter(pk=event_id).first()
        if event is None or not scope.can_act_on_event(self.request.user, event):
            raise Http404
        if not event.get_parent().permissions_for_user(self.request.user).can_add_subpage():
            raise PermissionDenied
        self.event = event

    def get_page_subtitle(self):
        return self.event.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_explore", args=[self.event.pk]),
                "label": self.event.title,
            },
            {"url": "", "label": self.action_label},
        ]

    def get_initial(self):
        return {
            "acronym": next_acronym(self.event.acronym),
            "start_date": a_year_later(self.event.start_date),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        packages = self.event.get_children().count()
        context.update(
            event=self.event,
            packages=packages,
            cancel_url=reverse("wagtailadmin_explore", args=[self.event.pk]),
            action_label=self.action_label,
        )
        return context

    def perform(self, data):
        try:
            self.copy = clone_event(
                self.event,
                acronym=data["acronym"],
                start_date=data["start_date"],
                title=data["title"] or None,
                actor=self.request.user,
            )
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise CloneRefused(" ".join(messages), field=field) from error
        count = self.copy.get_children().count()
        return ngettext(
            "%(acronym)s created as a draft with %(count)s package, dates from %(start)s: "
            "review the pages, then submit them for review.",
            "%(acronym)s created as a draft with %(count)s packages, dates from %(start)s: "
            "review the pages, then submit them for review.",
            count,
        ) % {
            "acronym": self.copy.acronym,
            "count": count,
            "start": date_format(self.copy.start_date, "DATE_FORMAT"),
        }

    def get_success_url(self):
        return reverse("wagtailadmin_explore", args=[self.copy.pk])
