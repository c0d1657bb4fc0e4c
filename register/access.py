"""Who may see and edit the register.

Partnership officers edit it (in the Wagtail admin) and import; finance reads it; a sponsor
account, which has neither, sees none of it (403 on every page and API route, no menu entry).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction

from marketplace.core.roles import FINANCE, PARTNERSHIP_OFFICERS  # finance reads the register

READ = "register.view_partnershipagreement"
EDIT = "register.change_partnershipagreement"
ADD = "register.add_partnershipagreement"

OFFICER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    *(
        ("register", f"{action}_{model}")
        for model in ("partnershipagreement", "partner")
        for action in ("add", "change", "delete", "view")
    ),
    ("register", "view_auditentry"),
    # The rates of exchange the register's values are converted at (finance records them).
    ("finance", "view_exchangerate"),
]
READER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("register", "view_partnershipagreement"),
    ("register", "view_partner"),
    ("register", "view_auditentry"),
]


def can_read(user) -> bool:
    return bool(user and user.is_active and (user.has_perm(READ) or user.has_perm(EDIT)))


def can_import(user) -> bool:
    return bool(user and user.is_active and user.has_perm(ADD) and user.has_perm(EDIT))


def register_reader_required(view):
    """Sign-in first; then 403 unless the user may read the register."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_read(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _permissions(pairs):
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in pairs
    ]


@transaction.atomic
def ensure_partnership_groups() -> dict[str, Group]:
    """Create (or complete) the "Partnership officers" group and give finance read access.
    Idempotent: safe on every deploy."""
    officers, _ = Group.objects.get_or_create(name=PARTNERSHIP_OFFICERS)
    officers.permissions.add(*_permissions(OFFICER_PERMISSIONS))
    finance, _ = Group.objects.get_or_create(name=FINANCE)
    finance.permissions.add(*_permissions(READER_PERMISSIONS))
    return {PARTNERSHIP_OFFICERS: officers, FINANCE: finance}
