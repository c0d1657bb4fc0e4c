"""Template tags of benefit fulfilment: the event page's sponsor wall and a pledge's benefit
progress in the sponsor portal."""

from django import template

from marketplace.fulfilment.models import BenefitTask
from marketplace.fulfilment.wall import sponsor_wall as wall_groups

register = template.Library()


@register.inclusion_tag("fulfilment/includes/sponsor_wall.html")
def sponsor_wall(page):
    """{% sponsor_wall page %}: the event's delivered website logos, grouped (one query)."""
    return {"groups": wall_groups(page)}


@register.inclusion_tag("fulfilment/includes/benefit_progress.html", takes_context=True)
def benefit_progress(context, pledge):
    """{% benefit_progress pledge %}: each benefit task of a paid pledge with its state and
    what the sponsor still has to supply (nothing when the pledge has no tasks yet)."""
    tasks = list(BenefitTask.objects.filter(pledge_id=pledge.pk).order_by("due_date", "pk"))
    return {"tasks": tasks, "pledge": pledge, "request": context.get("request")}
