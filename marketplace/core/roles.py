"""The staff roles of the marketplace, in one call: groups and what each may do.

Each app says what its own groups get (`events/editorial.py`, `sponsors/staff.py`,
`marketplace/pledges/setup.py`, ...); this module runs them all, so a deployment gets working
roles with `python manage.py ensure_roles` (the container runs it after migrating) and the demo
with `load_demo`. Idempotent.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from events.editorial import APPROVERS, ORGANISERS, ensure_editorial_setup
from events.fulfilment.setup import ensure_fulfilment_permissions
from events.models import EventIndexPage
from marketplace.agreements.setup import ensure_agreement_permissions
from marketplace.finance.setup import FINANCE, ensure_finance_permissions
from marketplace.pledges.setup import ensure_pledge_permissions
from marketplace.privacy.setup import ensure_privacy_permissions
from sponsors.register.access import PARTNERSHIP_OFFICERS, ensure_partnership_groups
from sponsors.staff import ensure_sponsor_review_permissions

# The mail log and failed tasks: organisers, approvers and finance follow what was sent; those
# who decide on money or approvals may re-run a task that failed for good.
WORKER_VIEW = ("view_maillog", "view_failedtask", "view_outboxmessage")
WORKER_RETRY = ("retry_failedtask",)


@transaction.atomic
def ensure_roles() -> list[str]:
    """Create or complete every staff group; returns their names."""
    index = EventIndexPage.objects.first()
    if index is not None:  # the review workflow hangs on the events index
        ensure_editorial_setup(index)
    for name in (ORGANISERS, APPROVERS):
        Group.objects.get_or_create(name=name)
    ensure_finance_permissions()
    ensure_sponsor_review_permissions()
    ensure_pledge_permissions()
    ensure_agreement_permissions()
    ensure_fulfilment_permissions()
    ensure_partnership_groups()
    ensure_privacy_permissions()  # erasure requests: the Support group (issue 9)
    _grant("worker", WORKER_VIEW, [ORGANISERS, APPROVERS, FINANCE])
    _grant("worker", WORKER_RETRY, [APPROVERS, FINANCE])
    return [ORGANISERS, APPROVERS, FINANCE, PARTNERSHIP_OFFICERS]


def _grant(app_label, codenames, group_names):
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    for group in Group.objects.filter(name__in=group_names):
        group.permissions.add(*permissions)
