"""A pledge's whole story for staff, and the pledges part of an organisation's.

The pledge's page shows its facts, then the sections the apps above contribute through
`PLEDGE_STORY` (balance and documents, payments and refunds, the agreement and its versions,
benefit tasks), then one timeline of every audit entry — the pledge's own moves merged with
its payments', agreements' and tasks' — and the mail sent about it. An organisation's page
gets the same sections across its pledges (those the reader may see) through the step this
module registers on `sponsors.hooks.ORGANISATION_STORY`.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from events import scope
from marketplace.core.story import (
    TIMELINE_LIMIT,
    StorySection,
    choice_label,
    merged_timeline,
    timeline_entries,
)
from marketplace.pledges.hooks import PLEDGE_STORY
from marketplace.pledges.models import Pledge, PledgeChange
from marketplace.pledges.states import PledgeState
from sponsors.hooks import ORGANISATION_STORY

# An organisation's page lists its newest pledges; the rest are one link away (the pledges
# listing filtered by the organisation), which keeps the page's work bounded.
ORGANISATION_PLEDGES = 25


def pledge_url(pledge) -> str:
    return reverse("pledges_admin:inspect", args=[pledge.pk])


def pledge_timeline(pledges) -> list:
    """The pledges' own moves as timeline entries (one query)."""
    changes = (
        PledgeChange.objects.filter(pledge__in=pledges)
        .select_related("actor", "pledge")
        .order_by("-at", "-pk")[:TIMELINE_LIMIT]
    )
    return timeline_entries(
        changes,
        subject_of=lambda change: (
            _("Pledge %(reference)s") % {"reference": change.pledge.reference}
        ),
        label_of=choice_label(PledgeState),
        url_of=lambda change: pledge_url(change.pledge),
    )


def pledge_story(pledge, user) -> dict:
    """The sections of `pledge`'s page the reader may see and its one timeline."""
    sections = PLEDGE_STORY.collect([pledge], user=user)
    return {
        "sections": sections,
        "timeline": merged_timeline(
            pledge_timeline([pledge]), *(section.timeline for section in sections)
        ),
    }


@ORGANISATION_STORY.register(10, "pledges")
def organisation_pledges(organisation, *, user):
    """The organisation's pledges the reader may see (newest first, at most
    `ORGANISATION_PLEDGES`) with the `PLEDGE_STORY` sections across them."""
    visible = scope.scope_queryset(Pledge.objects.filter(organisation=organisation), user)
    count = visible.count()
    pledges = list(
        visible.select_related("event").order_by("-created_at", "-pk")[:ORGANISATION_PLEDGES]
    )
    subsections = PLEDGE_STORY.collect(pledges, user=user) if pledges else []
    return StorySection(
        name="pledges",
        title=_("Pledges"),
        template="pledges/admin/story_pledges.html",
        context={
            "pledges": pledges,
            "count": count,
            "more": count - len(pledges),
            "listing_url": f"{reverse('pledges_admin:index')}?organisation={organisation.pk}",
            "subsections": subsections,
        },
        timeline=merged_timeline(
            pledge_timeline(pledges), *(section.timeline for section in subsections)
        ),
    )
