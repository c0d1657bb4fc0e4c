"""The finance workspace's figures: per event and currency this year — pledged, invoiced,
received, refunded, and due now — with their totals in the budget and the reporting currency
(each amount at the UN operational rate of its own day, what is due at today's), overdue
invoices, open flags, unallocated money (the
ledger's unallocated account) and money received per month, with its chart.

A fixed number of grouped queries, whatever the number of pledges (a test counts them).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, ExtractMonth, TruncDate
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from marketplace.core.money import format_money
from marketplace.finance import aging, ledger
from marketplace.finance.models import Invoice, JournalLine
from marketplace.finance.rates import RateBook, budget_currency, reporting_currency
from marketplace.payments.models import Flag, Payment, Refund, RefundStatus
from marketplace.payments.states import RECEIVED_STATES
from marketplace.pledges.models import Pledge
from marketplace.pledges.states import PledgeState

ZERO = Decimal("0.00")
NOT_PLEDGED = (PledgeState.REJECTED, PledgeState.CANCELLED, PledgeState.EXPIRED)
MEASURES = ("pledged", "invoiced", "received", "refunded", "due")


@dataclass
class EventLine:
    event: str
    currency: str
    values: dict = field(default_factory=lambda: dict.fromkeys(MEASURES, ZERO))

    @property
    def cells(self) -> list[tuple[str, Decimal]]:
        return [(measure, self.values[measure]) for measure in MEASURES]


@dataclass
class Overview:
    year: int
    today: datetime.date
    lines: list[EventLine]
    totals: list[EventLine]
    overdue: list
    flags: list
    open_flag_count: int
    unallocated: list[tuple[str, Decimal]]
    months: list[str]
    received_by_month: dict[str, list[Decimal]]
    # The totals in the budget and the reporting currency (one line each, the same currency
    # once when they are one), and how many (currency, day) amounts had no rate.
    converted: list[EventLine] = field(default_factory=list)
    without_rate: int = 0


def _per_event(queryset, event_lookup, currency_lookup, amount_lookup):
    return (
        queryset.values(event_title=F(event_lookup), cur=F(currency_lookup))
        .annotate(amount=Sum(amount_lookup))
        .order_by()
    )


def overview(today: datetime.date | None = None, *, flag_limit: int = 20) -> Overview:
    today = today or timezone.localdate()
    year = today.year
    lines: dict[tuple, EventLine] = {}

    def add(rows, measure):
        for row in rows:
            key = (row["event_title"] or "", row["cur"])
            line = lines.setdefault(key, EventLine(*key))
            line.values[measure] += row["amount"] or ZERO

    add(
        _per_event(
            Pledge.objects.filter(created_at__year=year).exclude(status__in=NOT_PLEDGED),
            "event__title",
            "currency",
            "total",
        ),
        "pledged",
    )
    add(
        _per_event(
            Invoice.objects.filter(issued_at__year=year),
            "pledge__event__title",
            "currency",
            "amount",
        ),
        "invoiced",
    )
    add(
        _per_event(
            Payment.objects.filter(status__in=RECEIVED_STATES, succeeded_at__year=year),
            "pledge__event__title",
            "currency",
            "amount",
        ),
        "received",
    )
    add(
        _per_event(
            Refund.objects.filter(status=RefundStatus.SUCCEEDED, completed_at__year=year),
            "payment__pledge__event__title",
            "currency",
            "amount",
        ),
        "refunded",
    )
    items = aging.open_items(today)
    for item in items:
        line = lines.setdefault((item.event, item.currency), EventLine(item.event, item.currency))
        line.values["due"] += item.balance

    totals: dict[str, EventLine] = {}
    for line in lines.values():
        total = totals.setdefault(line.currency, EventLine(_("All events"), line.currency))
        for measure in MEASURES:
            total.values[measure] += line.values[measure]

    converted, without_rate = _converted_totals(year, today, items)

    flags = Flag.objects.filter(resolved_at__isnull=True)
    flag_rows = list(
        flags.select_related("pledge", "payment__pledge").order_by("created_at")[:flag_limit]
    )
    open_flag_count = flags.count()

    unallocated = [
        (row["entry__currency"], (row["d"] or ZERO) - (row["c"] or ZERO))
        for row in JournalLine.objects.filter(account=ledger.UNALLOCATED)
        .values("entry__currency")
        .annotate(d=Sum("debit"), c=Sum("credit"), n=Count("pk"))
        .order_by("entry__currency")
    ]
    unallocated = [(currency, amount) for currency, amount in unallocated if amount]

    by_month: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    for row in (
        Payment.objects.filter(status__in=RECEIVED_STATES, succeeded_at__year=year)
        .annotate(month=ExtractMonth("succeeded_at"))
        .values("month", "currency")
        .annotate(amount=Sum("amount"))
        .order_by()
    ):
        by_month[row["currency"]][row["month"] - 1] += row["amount"]

    return Overview(
        year=year,
        today=today,
        lines=sorted(lines.values(), key=lambda line: (line.currency, line.event)),
        totals=[totals[c] for c in sorted(totals)],
        overdue=[item for item in items if item.days_past_due > 0],
        flags=flag_rows,
        open_flag_count=open_flag_count,
        unallocated=unallocated,
        months=[str(MONTHS_3[m]).capitalize() for m in range(1, 13)],
        received_by_month=dict(sorted(by_month.items())),
        converted=converted,
        without_rate=without_rate,
    )


def _per_day(queryset, date_lookup, amount_lookup, *, day=None):
    return (
        queryset.annotate(day=day if day is not None else TruncDate(date_lookup))
        .values("day", "currency")
        .annotate(amount=Sum(amount_lookup))
        .values_list("currency", "day", "amount")
        .order_by()
    )


def _converted_totals(year, today, items) -> tuple[list[EventLine], int]:
    """Every measure's total in the budget and the reporting currency: each day's amount in a
    currency at that day's rate (due: today's), added up. Amounts without a rate are counted,
    never valued at 1."""
    targets = list(dict.fromkeys([budget_currency(), reporting_currency()]))
    measures = {
        "pledged": _per_day(
            Pledge.objects.filter(created_at__year=year).exclude(status__in=NOT_PLEDGED),
            "created_at",
            "total",
        ),
        "invoiced": _per_day(Invoice.objects.filter(issued_at__year=year), "issued_at", "amount"),
        "received": _per_day(
            Payment.objects.filter(status__in=RECEIVED_STATES, succeeded_at__year=year),
            "succeeded_at",
            "amount",
            # The day a payment is valued on (`reporting.payment_day`): its value date.
            day=Coalesce("value_date", TruncDate("succeeded_at")),
        ),
        "refunded": _per_day(
            Refund.objects.filter(status=RefundStatus.SUCCEEDED, completed_at__year=year),
            "completed_at",
            "amount",
        ),
    }
    book = RateBook()
    lines = {code: EventLine(_("All events"), code) for code in targets}
    missing = set()

    def add(measure, currency, day, amount):
        for code in targets:
            valuation = book.value(amount, currency, day, into=code)
            if valuation is None:
                missing.add((measure, currency, day))
            else:
                lines[code].values[measure] += valuation.amount

    for measure, rows in measures.items():
        for currency, day, amount in rows:
            add(measure, currency, day, amount or ZERO)
    due: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        due[item.currency] += item.balance
    for currency, amount in due.items():
        add("due", currency, today, amount)
    return [lines[code] for code in targets], len(missing)


# --- The chart -----------------------------------------------------------------------------

PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#6a3d9a", "#b8860b"]


def _ticks(maximum: float) -> list[float]:
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / 4
    power = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks, value = [0.0], 0.0
    while value < maximum:
        value += step
        ticks.append(value)
    return ticks


def received_chart(data: Overview, language: str | None = None) -> SafeString:
    """Money received per month of the year, one bar per currency in each month: an SVG image
    with a title and description; the page shows the same figures in a table."""
    width, left, right, top, plot_height = 720, 84, 12, 12, 220
    plot_width = width - left - right
    series = list(data.received_by_month.items())
    maximum = max((float(v) for _c, values in series for v in values), default=0.0)
    ticks = _ticks(maximum)
    scale = plot_height / ticks[-1]
    parts = []
    for tick in ticks:
        y = top + plot_height - tick * scale
        label = format_money(Decimal(str(tick)), series[0][0], language) if series else ""
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dbe3"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#3d4451">'
            f"{escape(label if len(series) == 1 else f'{tick:,.0f}')}</text>"
        )
    group = plot_width / 12
    inner = group * 0.8
    bar = inner / max(len(series), 1)
    for month, name in enumerate(data.months):
        x0 = left + month * group + (group - inner) / 2
        for index, (currency, values) in enumerate(series):
            height = float(values[month]) * scale
            parts.append(
                f'<rect x="{x0 + index * bar:.1f}" y="{top + plot_height - height:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(name)}: '
                f"{escape(format_money(values[month], currency, language))}</title></rect>"
            )
        parts.append(
            f'<text x="{left + month * group + group / 2:.1f}" y="{top + plot_height + 18}" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_height}" '
        f'y2="{top + plot_height}" stroke="#1b2430"/>'
    )
    y = top + plot_height + 36
    for index, (currency, _values) in enumerate(series):
        x = left + index * 90
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 18}" y="{y + 10}">{escape(currency)}</text>'
        )
    title = _("Money received by month, %(year)s") % {"year": data.year}
    description = (
        _("Bars per month and currency; the table below gives the same figures.")
        if series
        else _("No money received yet this year.")
    )
    return mark_safe(  # noqa: S308 - every text above is escaped where it is built
        f'<svg class="finance-chart" viewBox="0 0 {width} {y + 20}" width="100%" role="img" '
        f'aria-labelledby="received-title received-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="13"><title id="received-title">{escape(title)}</title>'
        f'<desc id="received-desc">{escape(description)}</desc>{"".join(parts)}</svg>'
    )
