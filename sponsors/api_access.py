"""The API's side of the sponsor roles: the same rule as the pages (`sponsors.membership.can`),
answered as 403 with a JSON `detail` that names the role needed and who holds it."""

from rest_framework import exceptions

from sponsors.membership import Action, NotAllowed, require


class RoleRequired(exceptions.PermissionDenied):
    default_code = "role_required"


def require_for_api(user, organisation, action: Action) -> None:
    """Raise `RoleRequired` (403, `{"detail": …}`) unless `user` may do `action` for
    `organisation`."""
    try:
        require(user, organisation, action)
    except NotAllowed as refusal:
        raise RoleRequired(refusal.message) from None
