"""Which events a staff user works on: the one place the per-event scope is decided.

Each event lists its organisers (users, or groups whose members all organise it) on its "Team"
tab. An organiser sees and acts only on their events' pledges, agreements, benefit tasks and
the mail shown with them, and on their events' pages in the page explorer. Whoever holds
`events.act_on_all_events` (sponsorship approvers and finance, from `ensure_roles`) and
superusers see every event. Every admin listing and view that shows such objects filters through
`scope_queryset` or `get_in_scope_or_404`, so the rule is never written twice.

This module sits in the catalogue layer (it knows `EventPage`), so the commerce apps above it
can use it without a back-import.
"""

from django.contrib.admin.utils import unquote
from django.db.models import Q, QuerySet
from django.http import Http404

from events.models import EventOrganiser, EventPage

ALL_EVENTS_PERMISSION = "events.act_on_all_events"


def sees_all_events(user) -> bool:
    """True for superusers and holders of `events.act_on_all_events`; False for anyone else,
    including anonymous and inactive users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(ALL_EVENTS_PERMISSION)


def organised_event_ids(user) -> QuerySet:
    """Ids of the events `user` organises, directly or through one of their groups (a
    subquery: it is evaluated by the query that uses it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EventOrganiser.objects.none().values("event_id")
    return (
        EventOrganiser.objects.filter(Q(user=user) | Q(group__in=user.groups.all()))
        .values("event_id")
        .distinct()
    )


def events_for(user) -> QuerySet:
    """The events `user` may see and act on: all for approvers, finance and superusers, their
    own for organisers, none for anyone else."""
    if sees_all_events(user):
        return EventPage.objects.all()
    return EventPage.objects.filter(pk__in=organised_event_ids(user))


def can_act_on_event(user, event) -> bool:
    """Whether `event` (an EventPage or its id) is within `user`'s scope."""
    if sees_all_events(user):
        return True
    event_id = getattr(event, "pk", event)
    if event_id is None:
        return False
    return organised_event_ids(user).filter(event_id=event_id).exists()


def scope_queryset(queryset: QuerySet, user, event_path: str = "event") -> QuerySet:
    """`queryset` limited to the rows whose event (reached through `event_path`, e.g.
    "pledge__event") is in `user`'s scope; unchanged for those who see all events."""
    if sees_all_events(user):
        return queryset
    condition = {f"{event_path}__in": organised_event_ids(user)}
    if "__" not in event_path:
        return queryset.filter(**condition)
    # A path through a reverse relation (an organisation's pledges) would repeat rows; a
    # subquery on the primary key does not, and leaves the caller's grouping intact.
    model = queryset.model
    return queryset.filter(pk__in=model._default_manager.filter(**condition).values("pk"))


def get_in_scope_or_404(queryset: QuerySet, user, event_path: str = "event", **lookup):
    """The one object of `queryset` matching `lookup` if it is in `user`'s scope; 404
    otherwise, so an object of another event is indistinguishable from one that does not
    exist."""
    try:
        return scope_queryset(queryset, user, event_path).get(**lookup)
    except queryset.model.DoesNotExist as error:
        raise Http404 from error


def event_of_page(page) -> EventPage | None:
    """The event a page belongs to (itself or its nearest event ancestor); None for pages
    outside any event (the home page, the events index, standard pages)."""
    if page is None:
        return None
    return EventPage.objects.ancestor_of(page, inclusive=True).first()


def page_in_scope(user, page) -> bool:
    """Whether `user` may work on `page` in the page explorer: pages outside any event are
    left to Wagtail's own permissions; an event and its packages need the event in scope."""
    if sees_all_events(user):
        return True
    event = event_of_page(page)
    return event is None or can_act_on_event(user, event)


def scope_explorer_pages(parent_page, pages: QuerySet, user) -> QuerySet:
    """The explorer's listing of `parent_page`'s children (or a search) without the events,
    and the pages of events, that are out of `user`'s scope."""
    if sees_all_events(user):
        return pages
    hidden = EventPage.objects.exclude(pk__in=organised_event_ids(user)).values_list(
        "path", flat=True
    )
    exclude = Q()
    for path in hidden:
        exclude |= Q(path__startswith=path)
    return pages.exclude(exclude) if exclude else pages


# --- The same rule for Wagtail admin views (listings, inspect, edit and delete views) --------


class ScopedIndexMixin:
    """For an IndexView: list only the rows of the user's events."""

    scope_event_path = "event"

    def get_base_queryset(self):
        return scope_queryset(super().get_base_queryset(), self.request.user, self.scope_event_path)


class ScopedObjectMixin:
    """For an EditView or DeleteView (single-object views): another event's object is a 404."""

    scope_event_path = "event"

    def get_queryset(self):
        return scope_queryset(
            self.model._default_manager.all(), self.request.user, self.scope_event_path
        )


class ScopedInspectMixin:
    """For an InspectView: another event's object is a 404."""

    scope_event_path = "event"

    def get_object(self, queryset=None):
        return get_in_scope_or_404(
            self.model._default_manager.all(),
            self.request.user,
            self.scope_event_path,
            pk=unquote(str(self.pk)),
        )
