"""Who organises each demo event: Olivia all four, Omar only the regional forum, so the
per-event scope (`events/scope.py`) can be tried with two organisers."""

from events.models import EventOrganiser, EventPage

DEMO_TEAMS = {
    "organiser@example.org": ["gsr-26", "itu-d-study-group-1", "itu-d-study-group-2",
                              "regional-forum-africa"],
    "forum.organiser@example.org": ["regional-forum-africa"],
}  # fmt: skip


def ensure_demo_teams(users: dict) -> int:
    """Make the demo organisers organisers of their events; returns how many it added. An
    event that gains one is published again, so its latest revision lists its team too."""
    added = 0
    for email, slugs in DEMO_TEAMS.items():
        user = users.get(email)
        if user is None:
            continue
        for event in EventPage.objects.filter(slug__in=slugs):
            if EventOrganiser.objects.filter(event=event, user=user).exists():
                continue
            EventOrganiser.objects.create(event=event, user=user)
            EventPage.objects.get(pk=event.pk).save_revision().publish()
            added += 1
    return added
