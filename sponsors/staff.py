"""Which staff groups review sponsor organisations in the Wagtail admin."""

from django.contrib.auth.models import Group, Permission

from events.editorial import APPROVERS, ORGANISERS

REVIEW_PERMISSIONS = ("view_organisation", "change_organisation", "decide_clearance")
REVIEW_GROUPS = (ORGANISERS, APPROVERS)


def ensure_sponsor_review_permissions() -> None:
    """Let event organisers and sponsorship approvers see, correct, clear and decline sponsor
    organisations. Idempotent; groups that do not exist yet are skipped."""
    permissions = Permission.objects.filter(
        content_type__app_label="sponsors", codename__in=REVIEW_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=REVIEW_GROUPS):
        group.permissions.add(*permissions)


SCREENING_PERMISSIONS = ("review_screeningmatch", "view_screeningmatch", "view_sanctionsentry")


def ensure_screening_permissions() -> None:
    """Sponsorship approvers review sanctions screening matches (and read the list). Idempotent."""
    permissions = Permission.objects.filter(
        content_type__app_label="sponsors", codename__in=SCREENING_PERMISSIONS
    )
    for group in Group.objects.filter(name=APPROVERS):
        group.permissions.add(*permissions)
