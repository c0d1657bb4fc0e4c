"""A sponsor's next steps: one ordered to-do list per pledge, and one across the organisation's
open pledges for the portal overview.

The steps come from the apps that own them, registered on `SPONSOR_TODO` (this layer cannot
import them): finance says what to pay and how (`marketplace/finance/todo.py`), agreements what
to sign, fulfilment which assets are missing and which passes need delegates. Each provider
takes a list of pledges and returns `ToDo` items for them, with a bounded number of queries
whatever the number of pledges. This module adds its own: accepting a waiting-list offer, and
the steps the organisers take (approval), listed as "waiting on the organisers".

The list is ordered by `rank` (pay, sign, supply, name delegates: the order a sponsor goes
through them), then by deadline. An empty list is the only thing that may say "nothing to do".
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.hooks import Steps
from marketplace.pledges.models import Pledge, WaitlistEntry, WaitlistStatus
from marketplace.pledges.states import EXPIRING_STATES, PAID_STATES, PledgeState

# Ranks: the order of the list. Providers in other apps use these names.
ACCEPT_OFFER = 5
PAY = 10
SIGN = 20
SUPPLY_ASSET = 30
NAME_DELEGATES = 40
WAITING = 90

# Pledges whose to-do list may have something: not closed, or paid with benefits to deliver.
OPEN_STATES = (*EXPIRING_STATES, *PAID_STATES)


@dataclass(frozen=True)
class ToDo:
    """One thing to do for a pledge: what (`text`), where (`url`, `action` the link's words),
    by when (`deadline`, a date or a datetime), and `detail` (how). A `waiting` item is done
    by the organisers; it is shown, never counted as the sponsor's to-do."""

    pledge_id: int
    rank: int
    text: str
    deadline: datetime.date | datetime.datetime | None = None
    url: str = ""
    action: str = ""
    detail: str = ""
    waiting: bool = False
    key: str = field(default="", compare=False)

    @property
    def deadline_date(self) -> datetime.date | None:
        if isinstance(self.deadline, datetime.datetime):
            return timezone.localdate(self.deadline)
        return self.deadline

    @property
    def has_time(self) -> bool:
        return isinstance(self.deadline, datetime.datetime)

    @property
    def is_overdue(self) -> bool:
        if self.deadline is None or self.waiting:
            return False
        if isinstance(self.deadline, datetime.datetime):
            return self.deadline <= timezone.now()
        return self.deadline < timezone.localdate()

    def sort_key(self):
        day = self.deadline_date or datetime.date.max
        return (self.waiting, self.rank, day, self.text)


# Each step takes the pledges and returns its list of `ToDo` items for them.
SPONSOR_TODO = Steps("sponsor to-do")


def todo_by_pledge(pledges) -> dict[int, list[ToDo]]:
    """Each pledge's to-do list, ordered (a pledge with nothing to do maps to [])."""
    pledges = [pledge for pledge in pledges if pledge.status in OPEN_STATES]
    lists: dict[int, list[ToDo]] = {pledge.pk: [] for pledge in pledges}
    if not pledges:
        return lists
    for items in SPONSOR_TODO.collect(pledges):
        for item in items:
            lists.setdefault(item.pledge_id, []).append(item)
    for items in lists.values():
        items.sort(key=ToDo.sort_key)
    return lists


def todo_for_pledge(pledge) -> list[ToDo]:
    return todo_by_pledge([pledge]).get(pledge.pk, [])


def open_pledges(organisation):
    return (
        Pledge.objects.filter(organisation=organisation, status__in=OPEN_STATES)
        .select_related("event")
        .order_by("created_at", "pk")
    )


def todo_for_organisation(organisation) -> list[tuple[Pledge, list[ToDo]]]:
    """(pledge, its to-do list) for each of the organisation's open pledges with something on
    it, the pledge with the nearest deadline first."""
    pledges = list(open_pledges(organisation))
    lists = todo_by_pledge(pledges)
    rows = [(pledge, lists[pledge.pk]) for pledge in pledges if lists.get(pledge.pk)]

    def nearest(row):
        days = [item.deadline_date for item in row[1] if item.deadline and not item.waiting]
        return (not days, min(days) if days else datetime.date.max, row[0].pk)

    rows.sort(key=nearest)
    return rows


@SPONSOR_TODO.register(5, "pledges: accept an offer, wait for approval")
def pledge_steps(pledges) -> list[ToDo]:
    offered = set(
        WaitlistEntry.objects.filter(
            offer__in=[p.pk for p in pledges], status=WaitlistStatus.OFFERED
        ).values_list("offer_id", flat=True)
    )
    items = []
    for pledge in pledges:
        detail_url = reverse("pledges:detail", args=[pledge.public_id])
        if pledge.pk in offered:
            items.append(
                ToDo(
                    pledge.pk,
                    ACCEPT_OFFER,
                    _("Accept the waiting-list offer"),
                    deadline=pledge.expires_at,
                    url=detail_url,
                    action=_("See the offer"),
                    key="accept-offer",
                )
            )
        if pledge.status == PledgeState.AWAITING_APPROVAL:
            items.append(
                ToDo(
                    pledge.pk,
                    WAITING,
                    _("The organisers decide on your pledge; you are emailed when they do."),
                    waiting=True,
                    key="approval",
                )
            )
    return items
