"""The register's own admin views: CSV import, and the audited create/edit/delete views that
the snippet viewsets use."""

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.snippets.views import snippets as snippet_views

from register import audit, fulltext, import_jobs, services
from register.access import can_import
from register.attachments import MAX_DOCUMENT_BYTES
from register.csvformat import COLUMNS
from register.forms import MAX_IMPORT_BYTES, ImportForm
from register.importing import import_agreements
from register.models import ImportJob

SOURCE = "admin"


class AgreementCreateView(snippet_views.CreateView):
    # Each document (`documents-N-file`) is stopped at its limit while the body streams in.
    upload_limits = {"file": MAX_DOCUMENT_BYTES}

    def save_instance(self):
        instance = super().save_instance()
        services.finish_save(
            instance,
            before=None,
            regions=self.form.cleaned_data["regions"],
            areas=self.form.cleaned_data["areas"],
            user=self.request.user,
            source=SOURCE,
        )
        return instance


class AgreementEditView(snippet_views.EditView):
    upload_limits = {"file": MAX_DOCUMENT_BYTES}

    def save_instance(self):
        before = audit.snapshot(self.object)  # the stored state: the form has not saved yet
        instance = super().save_instance()
        services.finish_save(
            instance,
            before=before,
            regions=self.form.cleaned_data["regions"],
            areas=self.form.cleaned_data["areas"],
            user=self.request.user,
            source=SOURCE,
        )
        return instance


class AgreementDeleteView(snippet_views.DeleteView):
    def form_valid(self, form):
        if self.object.addenda.exists():
            messages.error(
                self.request,
                _("This agreement has addenda: delete them or make them amend another first."),
            )
            return redirect(self.get_success_url())
        return super().form_valid(form)

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete")
            services.delete_agreement(self.object, user=self.request.user, source=SOURCE)


class PartnerEditView(snippet_views.EditView):
    def save_instance(self):
        instance = super().save_instance()
        # Partner names are part of their agreements' search documents.
        ids = list(instance.agreement_links.values_list("agreement_id", flat=True))
        transaction.on_commit(lambda: fulltext.refresh_search_documents(ids))
        return instance


class PartnerDeleteView(snippet_views.DeleteView):
    def form_valid(self, form):
        if self.object.agreement_links.exists():
            messages.error(self.request, _("This partner has agreements: it cannot be deleted."))
            return redirect(self.get_success_url())
        return super().form_valid(form)


class ImportView(WagtailAdminTemplateMixin, FormView):
    upload_limits = {"file": MAX_IMPORT_BYTES}  # enforced while the upload streams in
    """Upload a CSV: the same checks as `import_agreements`; a dry run first by default."""

    form_class = ImportForm
    template_name = "register/admin/import.html"
    page_title = gettext_lazy("Import partnership agreements")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailsnippets_register_agreement:list"), "label": _("Agreements")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = ",".join(COLUMNS)
        context["task_mb"] = f"{settings.REGISTER_IMPORT_TASK_MB:g}"
        context["jobs"] = ImportJob.objects.filter(created_by=self.request.user)[:5]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        options = {"dry_run": form.cleaned_data["dry_run"], "update": form.cleaned_data["update"]}
        if import_jobs.runs_in_worker(upload.size):
            job = import_jobs.start_import_job(upload, user=self.request.user, **options)
            return redirect("register_admin_import_job", pk=job.pk)
        stream = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
        result = import_agreements(stream, user=self.request.user, source="admin import", **options)
        stream.detach()
        if result.ok and not result.dry_run:
            messages.success(self.request, result.summary())
            return redirect(reverse_lazy("wagtailsnippets_register_agreement:list"))
        return self.render_to_response(
            self.get_context_data(
                form=form,
                result=result,
                needs_confirmation=bool(result.updates) and not options["update"],
            )
        )


class ImportJobView(WagtailAdminTemplateMixin, TemplateView):
    """A large import's progress (the page refreshes itself until the job ends), then its
    errors or counts, as the synchronous import shows them."""

    template_name = "register/admin/import_job.html"
    page_title = gettext_lazy("Import partnership agreements")
    header_icon = "upload"
    REFRESH_SECONDS = 2

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        self.job = get_object_or_404(ImportJob, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.job.file_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("register_admin_import"), "label": self.get_page_title()},
            {"url": "", "label": self.job.file_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        context.update(
            job=job,
            refresh_seconds=None if job.finished else self.REFRESH_SECONDS,
            needs_confirmation=bool(job.result.get("updates")) and not job.update,
        )
        return context
