"""Who the catalogue's dashboard panels are for, and the "packages awaiting a decision" panel
(pages in the "Sponsorship review" workflow the reader may decide)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import TaskState

from events.editorial import ORGANISERS
from events.review import SponsorshipReviewTask
from marketplace.core.dashboard import PANEL_ROWS, CountPanel, PanelRow


def is_organiser(user) -> bool:
    """Organiser panels are for the "Event organisers" group (and superusers); what they show
    is scoped to the reader's events by `events/scope.py`."""
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_organiser", None)
    if cached is None:
        cached = user._is_organiser = user.groups.filter(name=ORGANISERS).exists()
    return cached


def packages_awaiting_decision(user) -> CountPanel | None:
    """Catalogue pages waiting for the reader's review (never ones they submitted)."""
    tasks = SponsorshipReviewTask.objects.filter(active=True)
    if not user.is_superuser:
        tasks = tasks.filter(groups__in=user.groups.all())
    states = (
        TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS, task__in=tasks)
        .exclude(workflow_state__requested_by=user)
        .select_related("workflow_state", "workflow_state__requested_by")
        .order_by("started_at", "pk")
    )
    count = states.count()
    rows = []
    for state in states[:PANEL_ROWS]:
        page_id = state.workflow_state.object_id
        requester = state.workflow_state.requested_by
        rows.append(
            PanelRow(
                label=str(state.revision.object_str if state.revision_id else page_id),
                url=reverse("wagtailadmin_pages:edit", args=[page_id]),
                detail=_("submitted by %(who)s")
                % {"who": requester.get_full_name() or requester.email if requester else "—"},
            )
        )
    return CountPanel(
        name="packages-awaiting-decision",
        heading=_("Packages awaiting your decision"),
        count=count,
        rows=rows,
        listing_url=reverse("wagtailadmin_reports:workflow_tasks"),
        listing_label=_("All review tasks"),
        empty_text=_(
            "Nothing to review. Events and packages an organiser submits for sponsorship "
            "review will appear here."
        ),
        order=110,
    )
