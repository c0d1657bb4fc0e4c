"""Who handles erasure requests: the "Support" group (created with the other staff roles in
`marketplace/core/roles.py`) reads them and may execute them; superusers may too."""

from django.contrib.auth.models import Group, Permission

from marketplace.core.roles import ROLE_STEPS, SUPPORT

PRIVACY_PERMISSIONS = ("view_erasurerequest", "execute_erasurerequest")


@ROLE_STEPS.register(120, "privacy: Support handles erasure requests")
def ensure_privacy_permissions() -> None:
    """Grant the Support group the erasure permissions (idempotent)."""
    group, _ = Group.objects.get_or_create(name=SUPPORT)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="privacy", codename__in=PRIVACY_PERMISSIONS
        ),
        # The listing is in the Wagtail admin, so the group needs to reach it.
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
