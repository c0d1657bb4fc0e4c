"""Finance's statement screens in the Wagtail admin: the list of imported statements, a
statement with each line (state, rule, decision; filter by state, 100 a page), the
unallocated lines with their candidates and an "allocate" action (`unallocated.allocate`),
and the upload (`importer.import_statement`, size-limited while it streams in)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import Button

from marketplace.core.money import format_money
from marketplace.finance import unallocated
from marketplace.finance.admin_views import MoneyActionView
from marketplace.finance.models import UnallocatedStatus
from marketplace.finance.statements.candidates import candidates_for
from marketplace.finance.statements.forms import (
    AllocateLineForm,
    ImportStatementForm,
    max_statement_bytes,
)
from marketplace.finance.statements.importer import import_statement
from marketplace.finance.statements.models import LineState, StatementLine
from marketplace.finance.statements.parsing import StatementError

IMPORT = "finance.import_statement"
ALLOCATE = "finance.allocate_transfer"
LINES_PER_PAGE = 100
OPEN = (UnallocatedStatus.UNALLOCATED, UnallocatedStatus.PARTLY_ALLOCATED)


class StatementIndexView(generic.IndexView):
    def get_edit_url(self, instance):
        return None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("imported_by")

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.request.user.has_perm(IMPORT):
            buttons.append(
                Button(_("Import a bank statement"), url=reverse("finance_statements:upload"))
            )
        return buttons


def line_is_open(line) -> bool:
    return (
        line.state == LineState.UNALLOCATED
        and line.transfer is not None
        and line.transfer.status in OPEN
    )


class StatementInspectView(generic.InspectView):
    template_name = "finance/statements/statement.html"

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = self.object
        state = self.request.GET.get("state", "")
        lines = statement.lines.select_related("pledge", "invoice", "payment", "transfer")
        if state in LineState.values:
            lines = lines.filter(state=state)
        page = Paginator(lines, LINES_PER_PAGE).get_page(self.request.GET.get("p"))
        may_allocate = self.request.user.has_perm(ALLOCATE)
        rows = []
        for line in page:
            open_ = line_is_open(line)
            rows.append(
                {
                    "line": line,
                    "open": open_,
                    "candidates": candidates_for(line) if open_ else [],
                    "can_allocate": open_ and may_allocate,
                }
            )
        context.update(
            statement=statement,
            rows=rows,
            page=page,
            state=state,
            states=LineState.choices,
            unallocated_open=[
                line
                for line in statement.lines.filter(state=LineState.UNALLOCATED).select_related(
                    "transfer"
                )
                if line_is_open(line)
            ],
        )
        return context


class ImportStatementView(MoneyActionView):
    permission = IMPORT
    template_name = "finance/statements/upload.html"  # the action form, multipart
    form_class = ImportStatementForm
    action_label = gettext_lazy("Import a bank statement")
    summary = gettext_lazy(
        "Each line is matched to the invoice or pledge its remittance names; what matches "
        "nothing waits in the unallocated list. A line imported before is not imported again."
    )
    domain_errors = (*MoneyActionView.domain_errors, StatementError)

    # Enforced while the upload streams in (marketplace/core/request_limits.py).
    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.upload_limits = {"file": max_statement_bytes() + 1}
        return view

    def get_success_url(self):
        statement = getattr(self, "statement", None)
        if statement is not None:
            return reverse("finance_statements:inspect", args=[statement.pk])
        return reverse("finance_statements:index")

    def perform(self, data):
        upload = data["file"]
        result = import_statement(
            upload.read(),
            file_name=upload.name,
            actor=self.request.user,
            fmt=data["format"] or None,
            profile=data["profile"] or None,
            account=data["account"],
        )
        self.statement = result.statements[0] if result.stored else None
        if not result.stored:
            return _("Nothing new: every line was imported before (%(summary)s).") % {
                "summary": result.summary
            }
        return _("Statement imported: %(summary)s.") % {"summary": result.summary}


class AllocateLineView(MoneyActionView):
    permission = ALLOCATE
    form_class = AllocateLineForm
    action_label = gettext_lazy("Allocate a bank line")

    def load(self, pk):
        self.line = get_object_or_404(
            StatementLine.objects.select_related("transfer", "statement"), pk=pk
        )
        self.candidates = candidates_for(self.line) if line_is_open(self.line) else []
        transfer = self.line.transfer
        self.summary = _(
            "Line %(position)s of %(statement)s: %(amount)s from %(payer)s, “%(remittance)s”."
        ) % {
            "position": self.line.position,
            "statement": self.line.statement.statement_id or self.line.statement.file_name,
            "amount": format_money(
                transfer.remaining if transfer else self.line.amount, self.line.currency
            ),
            "payer": self.line.payer_name or "—",
            "remittance": " ".join(self.line.remittance.split())[:120] or "—",
        }

    def get(self, request, *args, **kwargs):
        if not line_is_open(self.line):
            messages.info(request, _("This line is not waiting for an allocation."))
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": self.candidates}

    def get_initial(self):
        initial = {"amount": self.line.transfer.remaining if self.line.transfer else None}
        if self.candidates:
            initial["target"] = self.candidates[0].target
        return initial

    def get_success_url(self):
        return reverse("finance_statements:inspect", args=[self.line.statement_id])

    def perform(self, data):
        if self.line.transfer is None:
            raise StatementError(_("This line was not recorded as unallocated money."))
        allocations = unallocated.allocate(
            self.line.transfer, [(data["chosen"], data["amount"])], actor=self.request.user
        )
        return _("Line %(position)s allocated to %(pledges)s.") % {
            "position": self.line.position,
            "pledges": ", ".join(a.pledge.reference for a in allocations),
        }
