"""A record's whole story on one admin page: sections contributed by the apps above it, and one
timeline merged from their audit logs.

A lower app (pledges, sponsors) declares a `Steps` hook whose steps each return a
`StorySection` — a heading, the template that renders it with its context, the actions the
reader may take on it now, and the audit entries it adds to the timeline — or None when the
reader may not see it. The page shows the sections in the hook's order and `merged_timeline`
sorts every section's entries by time, so no app imports the ones above it and each app keeps
the knowledge of its own records.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

TIMELINE_LIMIT = 200


@dataclass(frozen=True)
class TimelineEntry:
    """One audit entry as the timeline shows it: what (the subject, e.g. "Payment #2"), when,
    who, from which state to which and why."""

    at: datetime.datetime
    subject: str
    to_label: str
    from_label: str = ""
    actor: object = None
    reason: str = ""
    url: str = ""


@dataclass
class StorySection:
    name: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (url, label) allowed now
    timeline: list[TimelineEntry] = field(default_factory=list)


def timeline_entries(changes: Iterable, subject_of, label_of, url_of=None) -> list[TimelineEntry]:
    """`TimelineEntry`s from `core.audit.StateChange` rows (with their actor loaded):
    `subject_of(change)` names what changed, `label_of(state)` names a state in the reader's
    language, `url_of(change)` links the subject."""
    return [
        TimelineEntry(
            at=change.at,
            subject=subject_of(change),
            from_label=label_of(change.from_state) if change.from_state else "",
            to_label=label_of(change.to_state),
            actor=change.actor,
            reason=change.reason,
            url=url_of(change) if url_of else "",
        )
        for change in changes
    ]


def merged_timeline(*entry_lists: Iterable[TimelineEntry], limit: int = TIMELINE_LIMIT):
    """The entries of every list (each section's `timeline`, the record's own log) in one
    list, newest first, at most `limit` of them."""
    entries = [entry for entries in entry_lists for entry in entries]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def choice_label(choices):
    """`label_of` for a `TextChoices` of states: the state's label, or the raw value for a
    state no longer declared (old audit rows keep theirs)."""

    def label_of(state: str) -> str:
        try:
            return str(choices(state).label)
        except ValueError:
            return state

    return label_of
