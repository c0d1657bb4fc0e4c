"""The resource-mobilisation screens in the Wagtail admin: the board (columns by stage, filters
by owner, area and region, the weighted pipeline per currency), one opportunity (its history,
partners to approach, interactions), the move form, and the KPI pages (the bureau's and each
business owner's) with their CSV and XLSX exports. Thin: forms, then `services` / `kpis`.

Seeing needs `pipeline.view_opportunity`; moving needs `pipeline.change_opportunity`; the KPI
pages need `pipeline.view_target`.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from register.pipeline import kpi_export, services
from register.pipeline.forms import BoardFilterForm, KpiFilterForm, MoveForm
from register.pipeline.kpi_charts import build_charts
from register.pipeline.kpis import kpi_report
from register.pipeline.models import Opportunity, TargetScope
from register.pipeline.permissions import KPI, MOVE, VIEW
from register.pipeline.stages import PipelineError, allowed_next
from register.profile import partners_like


class PermissionMixin:
    permission = VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _home_crumb():
    return {"url": reverse("pipeline_admin:board"), "label": _("Resource mobilisation")}


def owner_label(user) -> str:
    return user.get_full_name() or user.email


class BoardView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Opportunities in columns by stage; a business owner sees their own by default."""

    template_name = "pipeline/admin/board.html"
    page_title = gettext_lazy("Pipeline board")
    header_icon = "list-ul"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Pipeline board")}]

    def get_context_data(self, **kwargs):
        data = self.request.GET.copy()
        if (
            "owner" not in data
            and Opportunity.objects.filter(business_owner=self.request.user).exists()
        ):
            data["owner"] = str(self.request.user.pk)
        form = BoardFilterForm(data)
        cleaned = form.cleaned_data if form.is_valid() else {}
        filters = services.BoardFilters(
            owner=cleaned.get("owner"),
            area=cleaned.get("area", ""),
            region=cleaned.get("region", ""),
        )
        columns = services.board(filters)
        return super().get_context_data(
            form=form,
            columns=columns,
            owner=filters.owner,
            pipeline=services.weighted_pipeline(filters),
            can_move=self.request.user.has_perm(MOVE),
            count=sum(len(column.cards) for column in columns),
            **kwargs,
        )


class OpportunityView(PermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "pipeline/admin/opportunity.html"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        self.opportunity = get_object_or_404(
            Opportunity.objects.select_related(
                "prospect__partner",
                "prospect__organisation",
                "business_owner",
                "event",
                "agreement",
                "pledge",
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.opportunity.title

    def get_page_subtitle(self):
        return self.opportunity.prospect.display_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            _home_crumb(),
            {"url": "", "label": self.opportunity.title},
        ]

    def get_context_data(self, **kwargs):
        opportunity = self.opportunity
        exclude = [opportunity.prospect.partner_id] if opportunity.prospect.partner_id else []
        suggestions = partners_like(
            regions=opportunity.region_codes, areas=opportunity.area_codes, limit=6 + len(exclude)
        )
        suggestions = [s for s in suggestions if s.partner.pk not in exclude][:6]
        return super().get_context_data(
            opportunity=opportunity,
            history=opportunity.history.select_related("actor"),
            suggestions=suggestions,
            interactions=opportunity.interactions.select_related("staff")[:20],
            can_move=self.request.user.has_perm(MOVE) and bool(allowed_next(opportunity.stage)),
            **kwargs,
        )


class MoveView(PermissionMixin, WagtailAdminTemplateMixin, FormView):
    permission = MOVE
    template_name = "pipeline/admin/move.html"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        self.opportunity = get_object_or_404(
            Opportunity.objects.select_related("prospect__partner", "prospect__organisation"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Move “%(title)s”") % {"title": self.opportunity.title}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            _home_crumb(),
            {"url": opportunity_url(self.opportunity), "label": self.opportunity.title},
            {"url": "", "label": _("Move")},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["opportunity"] = self.opportunity
        if self.request.method == "GET" and self.request.GET.get("stage"):
            kwargs["initial"] = {"stage": self.request.GET["stage"]}
        return kwargs

    def get_form(self, form_class=None):
        return MoveForm(**self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        return super().get_context_data(opportunity=self.opportunity, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            moved = services.move(
                self.opportunity,
                data["stage"],
                actor=self.request.user,
                reason=data["reason"],
                probability=data["probability"],
                agreement=form.chosen_agreement(),
                pledge=data["pledge_reference"],
                lost_reason=data["lost_reason"],
            )
        except PipelineError as error:
            field = {"pledge": "pledge_reference"}.get(error.field, error.field)
            if field == "agreement" and "agreement" not in form.fields:
                field = "agreement_reference"
            if field not in form.fields:
                field = None
            form.add_error(field, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” moved to %(stage)s.")
            % {"title": moved.title, "stage": moved.get_stage_display()},
        )
        return redirect(reverse("pipeline_admin:board") + f"?owner={moved.business_owner_id}")


def opportunity_url(opportunity) -> str:
    return reverse("pipeline_admin:opportunity", args=[opportunity.pk])


class KpiMixin(PermissionMixin):
    permission = KPI

    def kpi_owner(self):
        pk = self.kwargs.get("owner_id")
        if pk is None:
            return None
        return get_object_or_404(get_user_model(), pk=pk)

    def kpi_year(self) -> int:
        return KpiFilterForm(self.request.GET).year_or_default()


class KpiView(KpiMixin, WagtailAdminTemplateMixin, TemplateView):
    """The bureau's KPIs (with area and region targets), or one business owner's."""

    template_name = "pipeline/admin/kpis.html"
    header_icon = "table"

    def get_page_title(self):
        owner = self.kpi_owner()
        if owner is None:
            return _("Bureau KPIs")
        return _("KPIs of %(owner)s") % {"owner": owner_label(owner)}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [_home_crumb(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        owner = self.kpi_owner()
        form = KpiFilterForm(self.request.GET or None)
        year = form.year_or_default()
        report = kpi_report(year, owner)
        own_label = owner_label(owner) if owner else str(TargetScope.BUREAU.label)
        here = (
            reverse("pipeline_admin:owner-kpis", args=[owner.pk])
            if owner
            else reverse("pipeline_admin:kpis")
        )
        return super().get_context_data(
            form=form,
            year=year,
            owner=owner,
            report=report,
            charts=build_charts(report, own_label),
            own_label=own_label,
            here=here,
            owners=get_user_model()
            .objects.filter(
                Q(owned_opportunities__isnull=False) | Q(pipeline_targets__isnull=False)
            )
            .distinct()
            .order_by("first_name", "email"),
            **kwargs,
        )


class KpiExportView(KpiMixin, View):
    def get(self, request, fmt, owner_id=None):
        owner = self.kpi_owner()
        year = self.kpi_year()
        report = kpi_report(year, owner)
        name = f"kpis-{year}" + (f"-owner-{owner.pk}" if owner else "-bureau")
        if fmt == "xlsx":
            return kpi_export.xlsx_response(report, name)
        return kpi_export.csv_response(report, name)
