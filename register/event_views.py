""" "Partners to approach" for an event, in the admin. The register reads the event (it is the
higher layer); the events app knows nothing of the register. The event gives the region; the
areas of action are chosen on the page (events do not record them)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from events.models import EventPage
from register.access import can_read
from register.choices import AreaOfAction, Region
from register.profile import partners_like

LIMIT = 12


class ApproachForm(forms.Form):
    region = forms.MultipleChoiceField(
        label=gettext_lazy("Beneficiary regions"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    area = forms.MultipleChoiceField(
        label=gettext_lazy("Areas of action"),
        choices=AreaOfAction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class EventPartnersView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "register/admin/event_partners.html"
    page_title = gettext_lazy("Partners to approach")
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        if not can_read(request.user):
            raise PermissionDenied
        self.event = get_object_or_404(EventPage, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.event.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.event.pk]),
                "label": self.event.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        if "region" not in data:
            data.setlist("region", [self.event.region])
        form = ApproachForm(data)
        form.is_valid()
        regions = form.cleaned_data.get("region", [])
        areas = form.cleaned_data.get("area", [])
        context.update(
            event=self.event,
            form=form,
            suggestions=partners_like(regions=regions, areas=areas, limit=LIMIT),
            asked=bool(regions or areas),
        )
        return context
