"""A second "create" of a page its author already has as a draft continues that draft.

Wagtail's autosave creates the page as soon as a new form first validates, so a half-filled
package is already a draft under its slug. An editor who then opens "Add child page" again (a
second tab, or the first one given up for lost) and types the same title was refused with "The
slug is already in use". Here the create view hands such a request to the edit view of that
draft instead (a 307 keeps the method and the body), which saves the submitted form over the
draft: one page, the latest content, nothing lost.

Only the editor's own abandoned draft is continued: never published, owned and only ever
revised by them, not locked, not in a workflow. Anything else keeps Wagtail's refusal, so no one
writes over a colleague's page or a page that was ever live.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from modelcluster.models import get_all_child_relations
from wagtail.models import Page

CONTINUE_PARAMETER = "continue_draft"


def own_draft_at(parent, slug, user, page_class):
    """The never-published draft of `page_class` at `slug` under `parent` that only `user`
    has ever written, or None."""
    if not slug or not user.is_authenticated:
        return None
    sibling = parent.get_children().filter(slug=slug).first()
    if sibling is None:
        return None
    sibling = sibling.specific
    if not _is_own_draft(sibling, user) or type(sibling) is not page_class:
        return None
    return sibling


def _is_own_draft(page, user):
    return (
        not page.live
        and page.first_published_at is None
        and page.alias_of_id is None
        and page.owner_id == user.pk
        and page.locked is False
        and page.current_workflow_state is None
        and not page.revisions.exclude(user=user).exists()
        and page.permissions_for_user(user).can_edit()
    )


def continue_own_draft(request, parent_page, page_class):
    """The response that hands a create request for the user's own draft to its edit view, or
    None when the request creates a new page as usual."""
    if request.method != "POST":
        return None
    slug = request.POST.get("slug", "").strip()
    draft = own_draft_at(parent_page, slug, request.user, page_class)
    if draft is None:
        return None
    if not request.accepts("text/html"):
        # Autosave of a second form: say why it pauses; the next "Save" continues the draft.
        return JsonResponse(
            {
                "success": False,
                "error_code": "own_draft_exists",
                "error_message": _(
                    "You already have a draft at this address: save to continue it."
                ),
            },
            status=400,
        )
    messages.info(
        request,
        _(
            "You already had a draft “%(title)s” at this address (saved automatically): "
            "what you submitted now was saved to it."
        )
        % {"title": draft.get_admin_display_title()},
    )
    query = {CONTINUE_PARAMETER: "1"}
    if request.GET.get("next"):
        query["next"] = request.GET["next"]
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk]) + "?" + urlencode(query)
    return HttpResponseRedirect(url, status=307)


def replace_children_of_continued_draft(request, page):
    """The create form posted to the draft's edit view lists every child row (benefits, event
    organisers) anew: empty the draft's own rows in memory first, or each continuation would
    add them a second time. Nothing is written unless the form is valid and saved."""
    if request.method != "POST" or request.GET.get(CONTINUE_PARAMETER) != "1":
        return
    if not isinstance(page, Page) or not _is_own_draft(page, request.user):
        return
    comments = getattr(page, "COMMENTS_RELATION_NAME", "wagtail_admin_comments")
    for relation in get_all_child_relations(page):
        name = relation.get_accessor_name()
        if name != comments:
            getattr(page, name).set([])
