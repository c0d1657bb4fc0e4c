"""Who may see and move benefit tasks: the organisers' and approvers' permissions. Idempotent."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from events.editorial import APPROVERS, ORGANISERS, admin_access
from marketplace.core.roles import ROLE_STEPS

FULFILMENT_PERMISSIONS = [
    ("fulfilment", "view_benefittask"),
    ("fulfilment", "deliver_benefittask"),
]


@ROLE_STEPS.register(80, "fulfilment: organisers and approvers work the board")
@transaction.atomic
def ensure_fulfilment_permissions() -> None:
    """Give the "Event organisers" and "Sponsorship approvers" groups the admin and the
    fulfilment permissions (see the board, start, deliver and waive tasks). Safe to run any
    number of times."""
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in FULFILMENT_PERMISSIONS
    ]
    for name in (ORGANISERS, APPROVERS):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access(), *permissions)
