"""Admin views for erasure requests: the inspect view offers "Execute", which confirms (showing
the person's open obligations) and then anonymises the person."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from marketplace.privacy.erasure import ErasureError, execute_erasure, open_obligations
from marketplace.privacy.models import ErasureRequest

EXECUTE_PERMISSION = "privacy.execute_erasurerequest"


class ErasureRequestIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person", "executed_by")

    def get_edit_url(self, instance):
        return None


class ErasureRequestInspectView(generic.InspectView):
    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_header_buttons(self):
        buttons = list(super().get_header_buttons())
        if self.object.is_pending and self.request.user.has_perm(EXECUTE_PERMISSION):
            buttons.append(
                HeaderButton(
                    _("Execute erasure"),
                    url=reverse("erasure_requests:execute", args=[self.object.pk]),
                    icon_name="bin",
                )
            )
        return buttons


class ExecuteErasureView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm, then anonymise the person of a pending request (once)."""

    template_name = "privacy/admin/execute.html"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(EXECUTE_PERMISSION):
            raise PermissionDenied
        self.erasure = get_object_or_404(
            ErasureRequest.objects.select_related("person"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Execute an erasure request")

    def get_page_subtitle(self):
        return str(self.erasure)

    @property
    def inspect_url(self):
        return reverse("erasure_requests:inspect", args=[self.erasure.pk])

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("erasure_requests:index"), "label": _("Erasure requests")},
            {"url": self.inspect_url, "label": str(self.erasure)},
            {"url": "", "label": _("Execute")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            erasure=self.erasure,
            obligations=open_obligations(self.erasure.person) if self.erasure.is_pending else [],
            memberships=self.erasure.person.sponsor_memberships.select_related("organisation"),
            cancel_url=self.inspect_url,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            counts = execute_erasure(self.erasure, by=request.user)
        except ErasureError as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(
                request,
                _("The person is anonymised (%(total)s records changed).")
                % {"total": sum(counts.values())},
            )
        return redirect(self.inspect_url)
