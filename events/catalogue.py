"""The event page's catalogue part — the event's facts and its packages with their availability —
rendered once per version and reused from the cache (`{% cache %}` in `event_page.html`).

The version is read, not stored: two small queries give the live packages with their revision
ids (the event's own revision ids come with the page) and the slots taken of each (the
availability, counted as everywhere else), and the version is a digest of those, of today's
date (a deadline closes pledging) and of the language. Publishing the event or a package,
unpublishing one, or any pledge that changes what is taken gives a new version, so the cached
part is never staler than the database; old versions simply expire. What belongs to the
visitor (the signed-in menu, their organisation's pledges, messages) is rendered around it on
every request, so signed-in sponsors get the cached part too. A miss renders the packages in a
fixed number of queries, reusing the counts already read.
"""

import hashlib

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from events.availability import Availability, taken_quantities
from events.choices import CATEGORY_ORDER, PackageCategory

# Versions change with every edit or pledge, so an entry is only reused while it is current;
# this bounds how long an unused one occupies the cache.
FRAGMENT_SECONDS = 3600


class Catalogue:
    """The catalogue part of one event page for one request: `version` for the cache key, and
    `package_groups` / `package_count`, computed only when the part is rendered."""

    def __init__(self, event):
        self.event = event
        children = event.live_packages().values_list(
            "pk", "latest_revision_id", "live_revision_id", "last_published_at"
        )
        self.children = list(children)
        self.taken = taken_quantities([pk for pk, *_revisions in self.children])

    @cached_property
    def version(self) -> str:
        event = self.event
        parts = [
            event.pk,
            event.latest_revision_id,
            event.live_revision_id,
            event.last_published_at,
            timezone.localdate(),
            get_language(),
            self.children,
            sorted(self.taken.items()),
        ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    @cached_property
    def packages(self) -> list:
        packages = list(self.event.live_packages())
        today = timezone.localdate()
        closed = today > self.event.sponsorship_deadline
        for package in packages:
            package.event = self.event  # the parent is known: no query per package
            package.availability = Availability(
                capacity=package.capacity, taken=self.taken.get(package.pk, 0), closed=closed
            )
        return packages

    @cached_property
    def package_groups(self) -> list[tuple[str, list]]:
        groups = {}
        for package in self.packages:
            groups.setdefault(package.category, []).append(package)
        return [
            (PackageCategory(category).label, groups[category])
            for category in sorted(groups, key=CATEGORY_ORDER.__getitem__)
        ]

    @property
    def package_count(self) -> int:
        return len(self.children)
