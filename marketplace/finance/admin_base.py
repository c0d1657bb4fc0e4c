"""What the finance admin screens share: read-only viewsets, permission-checked action forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from marketplace.payments.errors import PaymentError

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
    cannot change these records (the models refuse too)."""

    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), **NO_EDITING}

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]


class FinanceActionView(WagtailAdminTemplateMixin, FormView):
    """A finance action: a form, then a service; a refusal shows on the form and changes
    nothing. Subclasses set `permission`, `perform(data)` and `success_url`."""

    template_name = "payments/admin/action.html"
    header_icon = "form"
    permission = ""
    page_title = ""
    summary = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs):
        pass

    def get_page_title(self):
        return self.page_title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(summary=self.summary, cancel_url=self.get_cancel_url())
        return context

    def get_cancel_url(self):
        return self.get_success_url()

    def form_valid(self, form):
        try:
            message = self.perform(form.cleaned_data)
        except PaymentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def perform(self, data) -> str:
        raise NotImplementedError
