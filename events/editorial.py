"""Who may edit and publish the catalogue, and the review workflow packages go through.

Organisers create, edit and submit events and packages; approvers publish them. The
"Sponsorship review" workflow is assigned to the events index, so every event and package under
it must be approved by an approver before it goes live. Idempotent: safe to run on every deploy.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

ORGANISERS = "Event organisers"
APPROVERS = "Sponsorship approvers"
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
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
    task.groups.add(groups[APPROVERS])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=events_index, defaults={"workflow": workflow})
    return groups
