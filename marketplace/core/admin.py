"""The admin scaffolding every app's Wagtail screens share, written once.

- `ReadOnlyViewSet`: a listing and an inspect view, nothing else, for records that change
  through services only (pledges, payments, receipts, the mail log, erasure requests...).
- `AdminActionView`: one staff action as a form, then a service. It checks a permission, loads
  the object (`load`), validates the form, calls `perform`, turns the app's domain error into a
  form error (so a refusal shows on the form and changes nothing), messages success and
  redirects. Each app keeps a thin subclass naming its object, template, errors and breadcrumbs.
"""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

NO_EDITING = {
    "add_url_name": None,
    "edit_url_name": None,
    "delete_url_name": None,
    "copy_url_name": None,
    "usage_url_name": None,
    "history_url_name": None,
}


class ReadOnlyViewSet(ModelViewSet):
    """A listing and inspect view only: no add, edit, copy or delete screen exists, so the admin
    cannot change these records (the services own them).

    `view_permissions_only`: offer only the "view" permission (and `extra_permissions`) in the
    group editor, since add/change/delete mean nothing here."""

    inspect_view_enabled = True
    copy_view_enabled = False
    view_permissions_only = False
    extra_permissions: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), **NO_EDITING}

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self):
        if not self.view_permissions_only:
            return super().get_permissions_to_register()
        codenames = [f"view_{self.model._meta.model_name}", *self.extra_permissions]
        return Permission.objects.filter(
            content_type__app_label=self.model._meta.app_label, codename__in=codenames
        )


class AdminActionView(WagtailAdminTemplateMixin, FormView):
    """A staff action: a form, then a service; a refusal is shown on the form and changes
    nothing.

    Subclasses set `template_name`, `form_class`, `permission` (checked before anything is
    loaded; 403 without it), `domain_errors` (the exceptions `perform` raises for a refusal:
    each may carry `field` and `message`), `action_label` and `success_message`; they implement
    `load(**url_kwargs)` (fetch the object, 404 when out of scope), `perform(cleaned_data)`
    (call the service; may return the success message) and `get_success_url()`."""

    header_icon = "form"
    permission = ""
    domain_errors: tuple[type[Exception], ...] = ()
    action_label = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetch what the action is on, from the URL's arguments."""

    def get_page_title(self):
        return self.action_label

    def form_valid(self, form):
        try:
            message = self.perform(form.cleaned_data)
        except self.domain_errors as error:
            field = getattr(error, "field", None)
            form.add_error(field if field in form.fields else None, self.error_message(error))
            return self.form_invalid(form)
        messages.success(self.request, message or self.get_success_message())
        return redirect(self.get_success_url())

    def error_message(self, error) -> str:
        return str(getattr(error, "message", error))

    def get_success_message(self) -> str:
        return str(self.success_message) % self.get_success_message_context()

    def get_success_message_context(self) -> dict:
        return {}

    def perform(self, data) -> str | None:
        raise NotImplementedError
