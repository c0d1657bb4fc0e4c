"""Who may edit and publish the catalogue, and the review workflow packages go through.

Organisers create, edit and submit events and packages; approvers approve them. The
"Sponsorship review" workflow is assigned to the events index, so every event and package under
it must be approved by an approver before it goes live, and its task (`events/review.py`) never
lets the submitter approve their own page. Idempotent: safe to run on every deploy.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from events.review import SponsorshipReviewTask
from marketplace.core.roles import APPROVERS, FINANCE, ORGANISERS

WORKFLOW = "Sponsorship review"
REVIEW_TASK = "Approval by a sponsorship approver"

PAGE_PERMISSIONS = {
    ORGANISERS: ["add", "change", "lock"],
    APPROVERS: ["add", "change", "lock", "publish", "unlock"],
}
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]


def admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


@transaction.atomic
def ensure_editorial_setup(events_index) -> dict[str, Group]:
    """Create (or complete) the two groups, their permissions on the events tree and media, and
    the review workflow on the events index. Returns the groups by name."""
    groups = {}
    root_collection = Collection.get_first_root_node()
    for name, page_permissions in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access())
        for permission_type in page_permissions:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=events_index, permission=permission
            )
        for app_label, codename in MEDIA_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        groups[name] = group

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    task = SponsorshipReviewTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = SponsorshipReviewTask.objects.create(name=REVIEW_TASK)
    task.groups.add(groups[APPROVERS])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=events_index, defaults={"workflow": workflow})
    ensure_scope_permissions()
    return groups


# Who sees every event's sponsorship (`events/scope.py`): approvers decide on all of them and
# finance reconciles all of the money; organisers see only the events they organise.
SEES_ALL_EVENTS = (APPROVERS, FINANCE)


@transaction.atomic
def ensure_scope_permissions() -> None:
    """Give the approvers and finance groups `events.act_on_all_events`, and make sure
    organisers do not hold it. Idempotent; groups that do not exist yet are skipped."""
    permission = Permission.objects.get(
        content_type__app_label="events", codename="act_on_all_events"
    )
    for group in Group.objects.filter(name__in=SEES_ALL_EVENTS):
        group.permissions.add(permission)
    for group in Group.objects.filter(name=ORGANISERS):
        group.permissions.remove(permission)
