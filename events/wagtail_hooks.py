"""The page explorer honours the per-event scope and the review workflow.

An organiser sees, edits, creates under, moves, copies, deletes and unpublishes only the pages
of the events they organise (`events/scope.py`); an event they create lists them as its
organiser. A page under the "Sponsorship review" workflow is published by the workflow's
approval, not by the publish button, except by a superuser: otherwise an approver could publish
their own package unreviewed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from events import dashboard, drafts, scope
from events.admin_views import CloneEventView
from events.editorial import APPROVERS
from events.models import EventOrganiser, EventPage


def _refuse_out_of_scope(request, page):
    if not scope.page_in_scope(request.user, page):
        raise PermissionDenied


@hooks.register("construct_explorer_page_queryset")
def hide_other_events(parent_page, pages, request):
    return scope.scope_explorer_pages(parent_page, pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_other_events_in_chooser(pages, request):
    return scope.scope_explorer_pages(None, pages, request.user)


@hooks.register("before_edit_page")
def refuse_editing_other_events(request, page):
    _refuse_out_of_scope(request, page)


@hooks.register("before_create_page")
def refuse_creating_in_other_events(request, parent_page, page_class):
    _refuse_out_of_scope(request, parent_page)


@hooks.register("before_create_page")
def continue_own_draft(request, parent_page, page_class):
    """A second "create" under the slug of the editor's own autosaved draft edits that draft."""
    return drafts.continue_own_draft(request, parent_page, page_class)


@hooks.register("before_edit_page")
def replace_children_of_continued_draft(request, page):
    drafts.replace_children_of_continued_draft(request, page)


@hooks.register("before_delete_page")
def refuse_deleting_other_events(request, page):
    _refuse_out_of_scope(request, page)


@hooks.register("before_unpublish_page")
def refuse_unpublishing_other_events(request, page):
    _refuse_out_of_scope(request, page)


@hooks.register("before_copy_page")
def refuse_copying_other_events(request, page):
    _refuse_out_of_scope(request, page)


@hooks.register("before_move_page")
def refuse_moving_other_events(request, page, destination):
    _refuse_out_of_scope(request, page)
    _refuse_out_of_scope(request, destination)


@hooks.register("after_create_page")
def creator_organises_new_event(request, page):
    """Whoever creates an event without naming its organisers organises it, so an organiser
    does not lose sight of the event they just made."""
    specific = page.specific
    if not isinstance(specific, EventPage) or specific.organisers.exists():
        return
    EventOrganiser.objects.create(event=specific, user=request.user)
    # The creation's revision carries the team too, or publishing it would drop the row.
    revision = specific.get_latest_revision()
    if revision is not None:
        revision.content = EventPage.objects.get(pk=specific.pk).serializable_data()
        revision.save(update_fields=["content"])


@hooks.register("before_publish_page")
def publish_through_review(request, page):
    if request.user.is_superuser or page.get_workflow() is None:
        return None
    if page.live_revision_id is None:
        # A page created with "Publish" was written live before this hook runs: it stays a draft.
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
    messages.error(
        request,
        _(
            "“%(title)s” was saved as a draft. Pages in the sponsorship review are published by "
            "another approver's approval: submit it for review."
        )
        % {"title": page.title},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_actions_out_of_scope(request, action_type, objects, action_class_instance):
    """The explorer's bulk actions follow the same rules as the single ones."""
    pages = [obj for obj in objects if isinstance(obj, Page)]
    for page in pages:
        _refuse_out_of_scope(request, page)
    if action_type == "publish" and not request.user.is_superuser:
        if any(page.get_workflow() is not None for page in pages):
            raise PermissionDenied


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels):
    """Approvers: the catalogue pages waiting for their review."""
    user = request.user
    if user.is_superuser or user.groups.filter(name=APPROVERS).exists():
        panels.append(dashboard.packages_awaiting_decision(user))


@hooks.register("register_admin_urls")
def register_clone_url():
    return [path("events/clone/<int:event_id>/", CloneEventView.as_view(), name="clone_event")]


@hooks.register("register_page_header_buttons")
def clone_event_button(page, user, next_url=None, view_name=None):
    """ "Clone the catalogue" on an event the user works on and may add pages beside."""
    if page.specific_class is not EventPage or not scope.can_act_on_event(user, page.pk):
        return
    if not page.get_parent().permissions_for_user(user).can_add_subpage():
        return
    yield PageMenuItem(
        _("Clone the catalogue"),
        url=reverse("clone_event", args=[page.pk]),
        icon_name="copy",
        priority=35,
        page=page,
    )
