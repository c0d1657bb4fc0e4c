"""What the catalogue's staff groups get (`marketplace/core/roles.py` runs these steps): the
review workflow and page permissions on the events tree, then who sees every event."""

from django.contrib.auth.models import Group

from events.editorial import ensure_editorial_setup, ensure_scope_permissions
from events.models import EventIndexPage
from marketplace.core.roles import APPROVERS, ORGANISERS, ROLE_STEPS


@ROLE_STEPS.register(10, "events: review workflow and page permissions on the events index")
def ensure_editorial_roles() -> None:
    index = EventIndexPage.objects.first()
    if index is not None:  # the review workflow hangs on the events index
        ensure_editorial_setup(index)
    for name in (ORGANISERS, APPROVERS):
        Group.objects.get_or_create(name=name)


# Approvers and finance see every event; organisers their own. After the groups exist.
ROLE_STEPS.register(90, "events: who sees every event")(ensure_scope_permissions)
