"""What the staff groups get of the mail log and failed tasks (a step of
`marketplace/core/roles.py`, run last: it creates the Support group and completes the others).

Organisers, approvers and finance follow failed tasks and the outbox; those who decide on money
or approvals may re-run a task that failed for good. Mail bodies (the mail log's listing and
inspect view) are read by Support only (and superusers): the other groups see on each pledge
and organisation *that* a mail was sent, its recipient, subject and status
(worker/templatetags/mail_log.py). Taken back from groups that held it before.
"""

from django.contrib.auth.models import Group, Permission

from marketplace.core.roles import (
    APPROVERS,
    FINANCE,
    ORGANISERS,
    PARTNERSHIP_OFFICERS,
    ROLE_STEPS,
    SUPPORT,
)

WORKER_VIEW = ("view_failedtask", "view_outboxmessage")
WORKER_RETRY = ("retry_failedtask",)
MAIL_BODY = ("view_maillog",)


@ROLE_STEPS.register(900, "worker: failed tasks and outbox to staff, mail bodies to Support")
def ensure_worker_permissions() -> None:
    _grant(WORKER_VIEW, [ORGANISERS, APPROVERS, FINANCE])
    _grant(WORKER_RETRY, [APPROVERS, FINANCE])
    support, _created = Group.objects.get_or_create(name=SUPPORT)
    support.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    _grant(MAIL_BODY + WORKER_VIEW, [SUPPORT])
    _revoke(MAIL_BODY, [ORGANISERS, APPROVERS, FINANCE, PARTNERSHIP_OFFICERS])


def _grant(codenames, group_names):
    permissions = Permission.objects.filter(
        content_type__app_label="worker", codename__in=codenames
    )
    for group in Group.objects.filter(name__in=group_names):
        group.permissions.add(*permissions)


def _revoke(codenames, group_names):
    permissions = Permission.objects.filter(
        content_type__app_label="worker", codename__in=codenames
    )
    for group in Group.objects.filter(name__in=group_names):
        group.permissions.remove(*permissions)
