"""The staff roles of the marketplace, in one call: groups and what each may do.

Each app says what its own groups get (`events/editorial.py`, `sponsors/staff.py`,
`marketplace/pledges/setup.py`, ...); this module runs them all, so a deployment gets working
roles with `python manage.py ensure_roles` (the container runs it after migrating) and the demo
with `load_demo`. Idempotent.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from events.editorial import (
    APPROVERS,
    ORGANISERS,
    admin_access,
    ensure_editorial_setup,
    ensure_scope_permissions,
)
from events.models import EventIndexPage
from marketplace.agreements.setup import ensure_agreement_permissions
from marketplace.finance.setup import FINANCE, ensure_finance_permissions
from marketplace.fulfilment.setup import ensure_fulfilment_permissions
from marketplace.pledges.setup import ensure_pledge_permissions
from marketplace.privacy.setup import ensure_privacy_permissions
from register.access import PARTNERSHIP_OFFICERS, ensure_partnership_groups
from register.pipeline.setup import ensure_pipeline_permissions
from sponsors.staff import ensure_screening_permissions, ensure_sponsor_review_permissions

# The mail log and failed tasks: organisers, approvers and finance follow failed tasks and the
# outbox; those who decide on money or approvals may re-run a task that failed for good.
WORKER_VIEW = ("view_failedtask", "view_outboxmessage")
WORKER_RETRY = ("retry_failedtask",)
# Mail bodies (the mail log's listing and inspect view) are read by Support only (and
# superusers): the other groups see on each pledge and organisation *that* a mail was sent,
# its recipient, subject and status (worker/templatetags/mail_log.py). Taken back from groups
# that held it before.
SUPPORT = "Support"
MAIL_BODY = ("view_maillog",)


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
    ensure_screening_permissions()
    ensure_pledge_permissions()
    ensure_agreement_permissions()
    ensure_fulfilment_permissions()
    ensure_scope_permissions()  # approvers and finance see every event; organisers their own
    ensure_partnership_groups()
    ensure_pipeline_permissions()  # resource mobilisation (register/pipeline)
    ensure_privacy_permissions()  # erasure requests: the Support group (issue 9)
    _grant("worker", WORKER_VIEW, [ORGANISERS, APPROVERS, FINANCE])
    _grant("worker", WORKER_RETRY, [APPROVERS, FINANCE])
    support, _created = Group.objects.get_or_create(name=SUPPORT)
    support.permissions.add(admin_access())
    _grant("worker", MAIL_BODY + WORKER_VIEW, [SUPPORT])
    _revoke("worker", MAIL_BODY, [ORGANISERS, APPROVERS, FINANCE, PARTNERSHIP_OFFICERS])
    return [ORGANISERS, APPROVERS, FINANCE, PARTNERSHIP_OFFICERS, SUPPORT]


def _grant(app_label, codenames, group_names):
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    for group in Group.objects.filter(name__in=group_names):
        group.permissions.add(*permissions)


def _revoke(app_label, codenames, group_names):
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    for group in Group.objects.filter(name__in=group_names):
        group.permissions.remove(*permissions)
