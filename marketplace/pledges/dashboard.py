"""The pledges' dashboard panels: for approvers, the pledges awaiting their decision; for
organisers (their events only), sponsorship raised against each event's target and the holds
ending soon. Each panel runs a fixed number of queries, whatever the number of pledges."""

import datetime

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events import scope
from events.templatetags.money import money
from marketplace.core.dashboard import PANEL_ROWS, CountPanel, PanelRow
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import EXPIRING_STATES, PAID_STATES, PledgeState

HOLDS_ENDING_HOURS = 48


def _listing(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("pledges_admin:index") + (f"?{query}" if query else "")


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i T")


def pledges_awaiting_decision(user) -> CountPanel:
    pledges = scope.scope_queryset(
        Pledge.objects.filter(status=PledgeState.AWAITING_APPROVAL), user
    ).select_related("organisation", "event")
    count = pledges.count()
    rows = [
        PanelRow(
            label=f"{pledge.reference} — {pledge.organisation.display_name}",
            url=reverse("pledges_admin:inspect", args=[pledge.pk]),
            detail=f"{pledge.package_title}, {money(pledge.total, pledge.currency)}",
        )
        for pledge in pledges.order_by("created_at", "pk")[:PANEL_ROWS]
    ]
    return CountPanel(
        name="pledges-awaiting-decision",
        heading=_("Pledges awaiting your decision"),
        count=count,
        rows=rows,
        listing_url=_listing(status=PledgeState.AWAITING_APPROVAL),
        listing_label=_("All pledges awaiting approval"),
        empty_text=_(
            "No pledge waits for a decision. Pledges of packages that need approval will "
            "appear here once their sponsor has pledged."
        ),
        order=100,
    )


def sponsorship_raised(user, today: datetime.date | None = None) -> CountPanel:
    """The reader's coming events: what paid pledges raised, what open pledges may add, and
    the event's target (two queries)."""
    today = today or timezone.localdate()
    events = scope.events_for(user).filter(end_date__gte=today).order_by("start_date", "pk")
    count = events.count()
    shown = list(events[:PANEL_ROWS])
    totals = {
        row["event_id"]: row
        for row in Pledge.objects.filter(event__in=[e.pk for e in shown])
        .values("event_id", "currency")
        .annotate(
            raised=Sum("total", filter=Q(status__in=PAID_STATES)),
            pledged=Sum("total", filter=Q(status__in=EXPIRING_STATES)),
        )
        .order_by()
    }
    rows = []
    for event in shown:
        row = totals.get(event.pk, {})
        raised, pledged = row.get("raised") or 0, row.get("pledged") or 0
        target = event.sponsorship_target
        if target:
            detail = _("%(raised)s raised of %(target)s (%(share)s %%)") % {
                "raised": money(raised, event.currency),
                "target": money(target, event.currency),
                "share": int(raised * 100 / target),
            }
        else:
            detail = _("%(raised)s raised; no target set") % {
                "raised": money(raised, event.currency)
            }
        if pledged:
            detail += "; " + _("%(pledged)s more pledged, not yet paid") % {
                "pledged": money(pledged, event.currency)
            }
        rows.append(
            PanelRow(
                label=f"{event.acronym} — {event.title}",
                url=_listing(event=event.pk),
                detail=detail,
            )
        )
    return CountPanel(
        name="sponsorship-raised",
        heading=_("Sponsorship raised"),
        count=count,
        rows=rows,
        listing_url=_listing(),
        listing_label=_("All pledges"),
        empty_text=_(
            "No coming event. Your events will appear here, with what their paid pledges "
            "raised against the sponsorship target set on the event's page."
        ),
        order=200,
    )


def holds_ending(user, now: datetime.datetime | None = None) -> CountPanel:
    now = now or timezone.now()
    pledges = scope.scope_queryset(
        Pledge.objects.filter(
            status__in=EXPIRING_STATES,
            expires_at__gte=now,
            expires_at__lte=now + datetime.timedelta(hours=HOLDS_ENDING_HOURS),
        ),
        user,
    ).select_related("organisation", "event")
    count = pledges.count()
    rows = [
        PanelRow(
            label=f"{pledge.reference} — {pledge.organisation.display_name}",
            url=reverse("pledges_admin:inspect", args=[pledge.pk]),
            detail=_("%(state)s, hold ends %(when)s")
            % {"state": pledge.get_status_display(), "when": _when(pledge.expires_at)},
            urgent=pledge.expires_at - now < datetime.timedelta(hours=12),
        )
        for pledge in pledges.order_by("expires_at", "pk")[:PANEL_ROWS]
    ]
    return CountPanel(
        name="holds-ending",
        heading=_("Holds ending in the next 48 hours"),
        count=count,
        rows=rows,
        listing_url=_listing(ordering="expires_at"),
        listing_label=_("Pledges by hold expiry"),
        empty_text=_(
            "No hold ends in the next 48 hours. Pledges whose slots are about to be released "
            "will appear here, soonest first."
        ),
        order=210,
    )
