"""Fulfilment's part of the sponsor's to-do list (`marketplace/pledges/todo.py`): each asset a
benefit still needs from the sponsor, and the passes still to name delegates for, each by its
task's due date. Registered by `FulfilmentConfig.ready`; two queries whatever the pledges."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.fulfilment.delegates import delegates_editable, takes_delegates
from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.states import OPEN_STATES
from marketplace.pledges.todo import NAME_DELEGATES, SPONSOR_TODO, SUPPLY_ASSET, ToDo


@SPONSOR_TODO.register(30, "fulfilment: supply assets, name delegates")
def benefit_steps(pledges) -> list[ToDo]:
    tasks = (
        BenefitTask.objects.filter(pledge__in=[p.pk for p in pledges], state__in=OPEN_STATES)
        .annotate(named=Count("delegates"))
        .order_by("due_date", "pk")
    )
    items = []
    for task in tasks:
        url = reverse("fulfilment:task", args=[task.public_id])
        if task.asset_missing:
            items.append(
                ToDo(
                    task.pledge_id,
                    SUPPLY_ASSET,
                    _("Supply %(what)s for %(benefit)s")
                    % {"what": task.asset_type_label.lower(), "benefit": task.title},
                    deadline=task.due_date,
                    url=url,
                    action=_("Supply it"),
                    detail=str(task.rule.asset_label),
                    key=f"asset:{task.public_id}",
                )
            )
        if takes_delegates(task) and task.named < task.quantity and delegates_editable(task):
            left = task.quantity - task.named
            items.append(
                ToDo(
                    task.pledge_id,
                    NAME_DELEGATES,
                    ngettext(
                        "Name the delegate for %(n)s pass",
                        "Name the delegates for %(n)s passes",
                        left,
                    )
                    % {"n": left},
                    deadline=task.due_date,
                    url=url,
                    action=_("Name delegates"),
                    detail=_("The registration desk prints badges from these names."),
                    key=f"delegates:{task.public_id}",
                )
            )
    return items
