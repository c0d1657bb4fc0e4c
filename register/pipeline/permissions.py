"""The pipeline's permissions: partnership officers manage prospects, opportunities, contacts,
interactions, targets and co-financing, and read the stage history (written only by moves)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from marketplace.core.roles import ROLE_STEPS
from register.access import PARTNERSHIP_OFFICERS, ensure_partnership_groups

MANAGED = ("prospect", "opportunity", "partnercontact", "interaction", "target", "cofinancing")
VIEW = "pipeline.view_opportunity"
MOVE = "pipeline.change_opportunity"
KPI = "pipeline.view_target"

OFFICER_PERMISSIONS = [
    *(f"{action}_{model}" for model in MANAGED for action in ("add", "change", "delete", "view")),
    "view_opportunitymove",
]


@ROLE_STEPS.register(110, "pipeline: partnership officers manage resource mobilisation")
@transaction.atomic
def ensure_pipeline_permissions() -> Group:
    """Give the "Partnership officers" group (created if missing) the pipeline's permissions.
    Idempotent: safe on every deploy."""
    groups = ensure_partnership_groups()
    officers = groups.get(PARTNERSHIP_OFFICERS) or Group.objects.get(name=PARTNERSHIP_OFFICERS)
    officers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="pipeline", codename__in=OFFICER_PERMISSIONS
        )
    )
    return officers
