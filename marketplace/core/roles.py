"""The staff roles of the marketplace, in one call: groups and what each may do.

This module names the staff groups and runs the list of what each app grants them; it imports
no app. Each app says what its own groups get in its `permissions.py` (`events/permissions.py`,
`marketplace/pledges/permissions.py`, ...), registering a step into `ROLE_STEPS`; `ensure_roles`
finds those modules (`autodiscover_modules("permissions")`) and runs the steps in order, so a
deployment gets working roles with `python manage.py ensure_roles` (the container runs it after
migrating) and the demo with `load_demo`. Idempotent.
"""

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from marketplace.core.hooks import Steps

# The staff groups. Apps import these names from here (the bottom layer) to grant to them.
ORGANISERS = "Event organisers"
APPROVERS = "Sponsorship approvers"
FINANCE = "Finance"
PARTNERSHIP_OFFICERS = "Partnership officers"
SUPPORT = "Support"
STAFF_GROUPS = [ORGANISERS, APPROVERS, FINANCE, PARTNERSHIP_OFFICERS, SUPPORT]

# What each app grants, in order: `@ROLE_STEPS.register(order, name)` on a function taking no
# argument, in `<app>/permissions.py`. Later steps may rely on groups earlier ones created.
ROLE_STEPS = Steps("ensure roles")


@transaction.atomic
def ensure_roles() -> list[str]:
    """Create or complete every staff group; returns their names."""
    autodiscover_modules("permissions")
    ROLE_STEPS.run()
    return list(STAFF_GROUPS)
