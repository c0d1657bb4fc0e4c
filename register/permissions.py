"""What the register's staff groups get (`marketplace/core/roles.py` runs this step): partnership
officers edit it, finance reads it (`register/access.py`)."""

from marketplace.core.roles import ROLE_STEPS
from register.access import ensure_partnership_groups

ROLE_STEPS.register(100, "register: partnership officers edit it, finance reads it")(
    ensure_partnership_groups
)
