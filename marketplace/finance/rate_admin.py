"""The rates of exchange in the admin (Finance → Rates of exchange): the listing (by currency,
newest first, filtered by currency), a rate typed in or corrected, and a CSV file imported
(`rate_import.py`, the same checks as `import_exchange_rates`).

Finance records them (add, change, import); partnership officers and finance read them
(`view_exchangerate`). Wagtail logs each creation and edit (who, when: the admin's history);
an import is logged as one entry per rate created. Saving a rate values at once the amounts
that waited for it (`reporting.apply_rates`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from marketplace.finance.rate_import import COLUMNS, RateFileRefused, import_rates
from marketplace.finance.rates import ExchangeRate
from marketplace.finance.reporting import apply_rates

IMPORT = "finance.import_exchangerate"
MAX_UPLOAD = 2 * 1024 * 1024


class RateFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns: currency, per_usd (units per US dollar), valid_from, valid_to "
            "(YYYY-MM-DD, both included), source."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class ImportRatesView(WagtailAdminTemplateMixin, FormView):
    template_name = "finance/admin/rates_import.html"
    form_class = RateFileForm
    page_title = gettext_lazy("Import rates of exchange")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("finance_rates:index"), "label": _("Rates of exchange")},
            {"url": "", "label": _("Import")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=",".join(COLUMNS), **kwargs)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                result = import_rates(form.cleaned_data["file"])
                for rate in ExchangeRate.objects.order_by("-pk")[: result.created]:
                    log(rate, "wagtail.create", user=self.request.user)
        except RateFileRefused as refused:
            return self.render_to_response(
                self.get_context_data(form=form, problems=refused.problems)
            )
        valued = sum(result.valued.values()) - result.valued.get("flags resolved", 0)
        messages.success(
            self.request,
            ngettext(
                "%(created)s rate imported (%(unchanged)s already recorded); %(valued)s amounts "
                "valued.",
                "%(created)s rates imported (%(unchanged)s already recorded); %(valued)s amounts "
                "valued.",
                result.created,
            )
            % {"created": result.created, "unchanged": result.unchanged, "valued": valued},
        )
        return redirect("finance_rates:index")


class ValuingCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        apply_rates()
        return instance


class ValuingEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        apply_rates()
        return instance


class RateIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm(IMPORT):
            buttons.append(
                HeaderButton(
                    _("Import a CSV file"), url=reverse("finance_rates:import"), icon_name="upload"
                )
            )
        return buttons


class ExchangeRateViewSet(ModelViewSet):
    model = ExchangeRate
    icon = "table"
    menu_label = gettext_lazy("Rates of exchange")
    name = "finance_rates"
    url_prefix = "finance/rates"
    index_view_class = RateIndexView
    add_view_class = ValuingCreateView
    edit_view_class = ValuingEditView
    form_fields = ["currency", "per_usd", "valid_from", "valid_to", "source"]
    list_display = ["currency", "per_usd", "valid_from", "valid_to", "source"]
    list_filter = ["currency"]
    search_fields = ["currency", "source"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["currency", "-valid_from"]
    inspect_view_enabled = True
    # A rate that valued amounts stays as evidence of how they were valued: no group is
    # granted `delete_exchangerate` (permissions.py).

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", ImportRatesView.as_view(), name="import"),
        ]
