"""Which staff groups review sponsor organisations in the Wagtail admin (steps of
`marketplace/core/roles.py`).

Organisers see (and correct) the organisations that pledged to their events; approvers see them
all and alone clear or decline them in due diligence (separated duties)."""

from django.contrib.auth.models import Group, Permission

from events.editorial import APPROVERS, ORGANISERS
from marketplace.core.roles import ROLE_STEPS

ORGANISER_PERMISSIONS = ("view_organisation", "change_organisation")
APPROVER_PERMISSIONS = (*ORGANISER_PERMISSIONS, "decide_clearance")
APPROVER_ONLY = ("decide_clearance",)


@ROLE_STEPS.register(40, "sponsors: organisers review organisations, approvers clear them")
def ensure_sponsor_review_permissions() -> None:
    """Let event organisers see and correct sponsor organisations, and sponsorship approvers
    also clear and decline them; due-diligence decisions held by organisers before duties were
    separated are taken away. Idempotent; groups that do not exist yet are skipped."""
    for name, codenames in ((ORGANISERS, ORGANISER_PERMISSIONS), (APPROVERS, APPROVER_PERMISSIONS)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*_permissions(codenames))
    organisers = Group.objects.filter(name=ORGANISERS).first()
    if organisers is not None:
        organisers.permissions.remove(*_permissions(APPROVER_ONLY))


def _permissions(codenames):
    return Permission.objects.filter(content_type__app_label="sponsors", codename__in=codenames)


SCREENING_PERMISSIONS = ("review_screeningmatch", "view_screeningmatch", "view_sanctionsentry")


@ROLE_STEPS.register(50, "sponsors: approvers review screening matches")
def ensure_screening_permissions() -> None:
    """Sponsorship approvers review sanctions screening matches (and read the list). Idempotent."""
    for group in Group.objects.filter(name=APPROVERS):
        group.permissions.add(*_permissions(SCREENING_PERMISSIONS))
