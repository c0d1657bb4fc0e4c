"""The review step of the "Sponsorship review" workflow: a group approval that the person who
submitted the page (or wrote the revision under review) cannot approve.

Four eyes on every package: an approver may draft and submit a package like anyone, but another
approver (or a superuser who did not submit it) has to approve it. The submitter keeps "Request
changes" off too, so nobody closes their own review either way; they can still cancel it.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask


def submitters(obj) -> set[int]:
    """Ids of the users who may not decide the review `obj` is in: who submitted it for
    moderation and who wrote its latest revision (an edit made during review)."""
    ids = set()
    state = getattr(obj, "current_workflow_state", None)
    if state is not None and state.requested_by_id:
        ids.add(state.requested_by_id)
    revision = obj.get_latest_revision() if hasattr(obj, "get_latest_revision") else None
    if revision is not None and revision.user_id:
        ids.add(revision.user_id)
    return ids


class SponsorshipReviewTask(GroupApprovalTask):
    """Members of the chosen groups approve, except the submitter (see the module docstring)."""

    def is_submitter(self, obj, user) -> bool:
        return bool(user and user.pk in submitters(obj))

    def get_actions(self, obj, user):
        if self.is_submitter(obj, user):
            return []
        return super().get_actions(obj, user)

    def user_can_access_editor(self, obj, user):
        # The submitter edits through their own page permissions, never as a reviewer.
        if self.is_submitter(obj, user):
            return False
        return super().user_can_access_editor(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        # The dashboard's "awaiting your review" leaves out what the user submitted.
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    def on_action(self, task_state, user, action_name, **kwargs):
        obj = task_state.workflow_state.content_object
        if self.is_submitter(obj, user):
            raise PermissionDenied(_("You submitted this page: another approver must review it."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, except the person who submitted the page "
            "or wrote the revision under review"
        )

    class Meta:
        verbose_name = _("Sponsorship review task")
        verbose_name_plural = _("Sponsorship review tasks")
