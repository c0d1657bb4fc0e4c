"""Users' permissions, remembered across requests in the shared cache.

Django's `ModelBackend` reads a user's permissions with two queries (their own and their
groups') once per request, and every page asks: the staff check of `StaffSecurityMiddleware`,
the Wagtail user bar, the site menu's `perms`. Permissions change rarely, and only through the
many-to-many managers (`group.permissions.add()`, `user.groups.set()`, ...) or by deleting a
group or permission: each of those changes `VERSION_KEY`, which every entry carries, so the
next request of every user reads the database again. An entry is keyed by the user, their
sign-up time (an id is never confused with a later account's) and `is_superuser` (a superuser
has every permission), and `is_active` is checked on every request as before; an entry also
expires after `ENTRY_SECONDS`, the bound on staleness should a change bypass the managers.
"""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "permissions:version"
ENTRY_SECONDS = 300


def forget_all(**_kwargs) -> None:
    """Invalidate every remembered permission set (a group, permission or grant changed)."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def connect_signals() -> None:
    """Called from the core app's `ready()`: every process that can change permissions (web,
    worker, management commands, migrations) invalidates the entries."""
    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(forget_all, sender=through, dispatch_uid=f"perm_cache_{through}")
    for model in (Group, Permission):
        post_save.connect(forget_all, sender=model, dispatch_uid=f"perm_cache_save_{model}")
        post_delete.connect(forget_all, sender=model, dispatch_uid=f"perm_cache_del_{model}")


def _key(user) -> str:
    joined = int(user.date_joined.timestamp()) if getattr(user, "date_joined", None) else 0
    return f"permissions:{user.pk}:{joined}:{int(bool(user.is_superuser))}"


class CachedPermissionsBackend(ModelBackend):
    """Django's `ModelBackend` (same sign-in, same answers) whose per-user permission set comes
    from the shared cache while no permission has changed (see the module's docstring)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = _key(user_obj)
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY, 0)
            entry = found.get(key)
            if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
                user_obj._perm_cache = set(entry[1])
            else:
                permissions = super().get_all_permissions(user_obj)
                cache.set(key, (version, frozenset(permissions)), ENTRY_SECONDS)
                user_obj._perm_cache = set(permissions)
        return user_obj._perm_cache
