"""`{% own_pledges page %}`: on an event page, the signed-in visitor's organisation's pledges for
that event — the person-specific part rendered around the cached catalogue (the event page's
template loads this library by name, so events imports nothing of pledges)."""

from django import template

from marketplace.pledges.models import Pledge
from sponsors.membership import active_organisation

register = template.Library()

# An organisation rarely has more than a handful of pledges for one event; the rest are on the
# pledge list.
SHOWN = 10


@register.inclusion_tag("pledges/includes/own_pledges.html", takes_context=True)
def own_pledges(context, event):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"organisation": None}
    organisation = active_organisation(user, getattr(request, "session", None))
    if organisation is None:
        return {"organisation": None}
    pledges = list(
        Pledge.objects.filter(organisation=organisation, event_id=event.pk).order_by(
            "-created_at", "-pk"
        )[: SHOWN + 1]
    )
    return {
        "organisation": organisation,
        "pledges": pledges[:SHOWN],
        "more": len(pledges) > SHOWN,
    }
