"""The sponsor's to-do list on the pledge page and the portal overview (`pledges/todo.py`)."""

from dataclasses import replace

from django import template

from marketplace.pledges.todo import todo_for_organisation, todo_for_pledge

register = template.Library()


@register.inclusion_tag("pledges/includes/todo.html")
def pledge_todo(pledge, closed_step="", pay_refusal=""):
    """{% pledge_todo pledge %}: what the sponsor does next for this pledge, in order;
    `closed_step` is the sentence to show when nothing is left to do (the pledge page passes
    finance's, which knows about refunds and money held). With `pay_refusal` (the reader's
    role may not pay: `sponsors.membership`), the payment stays on the list — the
    organisation still owes it — without its link, saying who can pay instead."""
    items = todo_for_pledge(pledge)
    if pay_refusal:
        items = [
            replace(item, url="", action="", detail=pay_refusal) if item.key == "pay" else item
            for item in items
        ]
    return {
        "pledge": pledge,
        "closed_step": closed_step,
        "items": [item for item in items if not item.waiting],
        "waiting": [item for item in items if item.waiting],
    }


@register.inclusion_tag("pledges/includes/todo_overview.html")
def organisation_todo(organisation):
    """{% organisation_todo organisation %}: every open pledge's to-do list, nearest deadline
    first; a pledge with nothing for the sponsor to do is not listed."""
    rows = []
    for pledge, items in todo_for_organisation(organisation):
        mine = [item for item in items if not item.waiting]
        if mine:
            rows.append((pledge, mine))
    return {"rows": rows, "count": sum(len(items) for _pledge, items in rows)}
