"""The sponsor portal's benefit pages, mounted at /account/benefits/: the organisation's
benefit tasks, one task with its asset form (or "use our logo" in one click, or its passes'
delegates), and downloads of its private files.

A task is found only among the organisations the user belongs to, so anyone else gets 404,
exactly as for a task that does not exist. Sponsors supply assets; only organisers move tasks.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from marketplace.core.request_limits import upload_limits
from marketplace.fulfilment import delegates, files, services
from marketplace.fulfilment.assets import MAX_FILE_BYTES
from marketplace.fulfilment.forms import asset_form_for, delegate_formset
from marketplace.fulfilment.kinds import AssetType
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.states import FulfilmentError
from sponsors.logos import MAX_LOGO_BYTES

TASKS_PER_PAGE = 50


def members_tasks(user):
    """Benefit tasks of every organisation the user belongs to."""
    return BenefitTask.objects.filter(organisation__memberships__user=user)


def _own_task(request, public_id) -> BenefitTask:
    return get_object_or_404(
        members_tasks(request.user).select_related("pledge", "event", "organisation"),
        public_id=public_id,
    )


@login_required
def task_list(request):
    tasks = members_tasks(request.user).select_related("pledge", "event").order_by("due_date", "pk")
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "fulfilment/task_list.html",
        {"page_obj": page, "tasks": page.object_list},
    )


@upload_limits(logo=MAX_LOGO_BYTES, file=MAX_FILE_BYTES)
@login_required
def task_detail(request, public_id):
    task = _own_task(request, public_id)
    posted = request.method == "POST"
    action = request.POST.get("action", "asset") if posted else ""
    form = None
    if task.needs_asset and task.is_open:
        bound = action == "asset"
        form = asset_form_for(
            task, request.POST if bound else None, request.FILES if bound else None
        )
    editable = delegates.delegates_editable(task)
    formset = None
    if delegates.takes_delegates(task):
        formset = delegate_formset(task, request.POST if action == "delegates" else None)
    status = 200
    if action == "use_logo":
        try:
            services.use_organisation_logo(task, user=request.user)
        except FulfilmentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: the organisers have your logo."))
        return redirect("fulfilment:task", public_id=task.public_id)
    if action == "delegates" and formset is not None:
        if formset.is_valid():
            rows = [(f.cleaned_data.get("name"), f.cleaned_data.get("email")) for f in formset]
            try:
                named = delegates.save_delegates(task, rows, user=request.user)
            except FulfilmentError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Delegates saved: %(named)s of %(passes)s passes named.")
                    % {"named": len(named), "passes": task.quantity},
                )
                return redirect("fulfilment:task", public_id=task.public_id)
        status = 400
    elif action == "asset" and form is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_asset(
                    task,
                    user=request.user,
                    upload=data.get("logo") or data.get("file"),
                    text=data.get("text"),
                )
            except FulfilmentError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Thank you: the organisers have your %(what)s.")
                    % {"what": task.asset_type_label.lower()},
                )
                return redirect("fulfilment:task", public_id=task.public_id)
        status = 400
    organisation_logo = (
        task.organisation.logo if task.asset_type == AssetType.LOGO and task.is_open else None
    )
    return render(
        request,
        "fulfilment/task_detail.html",
        {
            "task": task,
            "form": form,
            "formset": formset,
            "delegates_editable": editable,
            "delegates": list(task.delegates.all()) if formset is not None else [],
            "organisation_logo": organisation_logo or None,
            "history": task.history.select_related("actor"),
        },
        status=status,
    )


@login_required
def task_file(request, public_id, which):
    return files.serve(_own_task(request, public_id), which)
