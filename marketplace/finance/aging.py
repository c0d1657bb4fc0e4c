"""Receivables aging, read from the ledger: what each pledge still owes at an as-of date (its
receivable balance from the entries dated up to then), aged by the due date of its latest
invoice issued by then — current (not yet due), 1–30, 31–60, 61–90 and over 90 days past due —
and summed per organisation, event and currency. A paid, refunded, credited or voided pledge
owes nothing and is not listed.

Also the overdue reminder: the sponsor's finance contact is emailed once in each window of
days past due (`settings.OVERDUE_REMINDER_WINDOWS`, default from day 1, 31, 61 and 91), keyed
in the mail log so reruns and concurrent workers send each once.
"""

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.finance import ledger
from marketplace.finance.models import Invoice, JournalLine
from sponsors import recipients as sponsor_recipients
from sponsors.languages import send_in_their_languages
from sponsors.models import ContactRole
from worker.models import MailLog

log = logging.getLogger(__name__)
ZERO = Decimal("0.00")

BUCKETS = [
    ("current", _("Current")),
    ("days_1_30", _("1–30 days")),
    ("days_31_60", _("31–60 days")),
    ("days_61_90", _("61–90 days")),
    ("days_90_plus", _("Over 90 days")),
]


def bucket_for(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "days_1_30"
    if days_past_due <= 60:
        return "days_31_60"
    if days_past_due <= 90:
        return "days_61_90"
    return "days_90_plus"


@dataclass
class OpenItem:
    pledge_id: int
    reference: str
    organisation: str
    organisation_id: int | None
    event: str
    currency: str
    balance: Decimal
    invoice_id: int | None
    invoice_number: str
    due_date: datetime.date
    days_past_due: int

    @property
    def bucket(self) -> str:
        return bucket_for(self.days_past_due)


@dataclass
class AgingRow:
    organisation: str
    event: str
    currency: str
    buckets: dict = field(default_factory=lambda: {key: ZERO for key, _label in BUCKETS})

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    @property
    def cells(self) -> list[Decimal]:
        return [self.buckets[key] for key, _label in BUCKETS]


def open_items(as_of: datetime.date) -> list[OpenItem]:
    """Every pledge owing money at the end of `as_of`, oldest due first (two queries)."""
    balances = (
        JournalLine.objects.filter(
            account=ledger.RECEIVABLE, entry__date__lte=as_of, entry__pledge__isnull=False
        )
        .values(
            "entry__pledge_id",
            "entry__pledge__reference",
            "entry__currency",
            "entry__pledge__organisation_id",
            "entry__pledge__organisation__display_name",
            "entry__pledge__event__title",
        )
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by("entry__pledge_id")
    )
    owing = {}
    for row in balances:
        balance = (row["debit"] or ZERO) - (row["credit"] or ZERO)
        if balance > 0:
            owing[row["entry__pledge_id"]] = (row, balance)
    latest = {}
    for pk, pledge_id, number, due_date in (
        Invoice.objects.filter(pledge_id__in=list(owing), issued_at__date__lte=as_of)
        .order_by("issued_at", "pk")
        .values_list("pk", "pledge_id", "number", "due_date")
    ):
        latest[pledge_id] = (pk, number, due_date)
    items = []
    for pledge_id, (row, balance) in owing.items():
        invoice_id, number, due_date = latest.get(pledge_id, (None, "", as_of))
        items.append(
            OpenItem(
                pledge_id=pledge_id,
                reference=row["entry__pledge__reference"],
                organisation=row["entry__pledge__organisation__display_name"] or "",
                organisation_id=row["entry__pledge__organisation_id"],
                event=row["entry__pledge__event__title"] or "",
                currency=row["entry__currency"],
                balance=balance,
                invoice_id=invoice_id,
                invoice_number=number,
                due_date=due_date,
                days_past_due=(as_of - due_date).days,
            )
        )
    items.sort(key=lambda item: (item.due_date, item.reference))
    return items


def aging(as_of: datetime.date) -> tuple[list[AgingRow], dict[str, AgingRow]]:
    """Rows per (organisation, event, currency), and the totals per currency."""
    rows: dict[tuple, AgingRow] = {}
    totals: dict[str, AgingRow] = {}
    for item in open_items(as_of):
        key = (item.organisation, item.event, item.currency)
        row = rows.setdefault(key, AgingRow(item.organisation, item.event, item.currency))
        row.buckets[item.bucket] += item.balance
        total = totals.setdefault(item.currency, AgingRow("", "", item.currency))
        total.buckets[item.bucket] += item.balance
    return sorted(rows.values(), key=lambda r: (r.currency, r.organisation, r.event)), dict(
        sorted(totals.items())
    )


def headings() -> list[str]:
    return ["organisation", "event", "currency", *(key for key, _label in BUCKETS), "total"]


def csv_rows(as_of: datetime.date):
    """The aging as CSV rows (amounts as numbers), then one total row per currency."""
    rows, totals = aging(as_of)
    yield headings()
    for row in rows:
        yield [row.organisation, row.event, row.currency, *_amounts(row)]
    for currency, total in totals.items():
        yield ["TOTAL", "", currency, *_amounts(total)]


def _amounts(row: AgingRow) -> list[str]:
    return [f"{value:.2f}" for value in (*row.cells, row.total)]


# --- Overdue reminders -------------------------------------------------------------------


def window_for(days_past_due: int) -> int | None:
    """The start of the reminder window `days_past_due` falls in (None before the first)."""
    starts = [d for d in sorted(settings.OVERDUE_REMINDER_WINDOWS) if d <= days_past_due]
    return starts[-1] if starts else None


def remind_overdue(today: datetime.date | None = None) -> int:
    """Email the finance contact of each overdue invoice once per window; returns how many
    emails were queued now (reruns queue none)."""
    today = today or timezone.localdate()
    sent = 0
    for item in open_items(today):
        window = window_for(item.days_past_due)
        if window is None or item.invoice_id is None:
            continue
        invoice = Invoice.objects.select_related("pledge", "organisation").get(pk=item.invoice_id)
        to = sponsor_recipients.contact_else_team(invoice.organisation, ContactRole.FINANCE)
        if not to:
            log.warning("Overdue invoice %s: nobody to remind.", invoice.number)
            continue
        key = f"reminder:invoice-overdue:{invoice.pk}:{window}"
        if MailLog.objects.filter(key=key).exists():
            continue  # this window's reminder went already
        send_in_their_languages(
            "finance/email/overdue",
            {
                "invoice": invoice,
                "pledge": invoice.pledge,
                "balance": item.balance,
                "days": item.days_past_due,
                "link": settings.SITE_URL.rstrip("/")
                + reverse("pledges:detail", args=[invoice.pledge.public_id]),
            },
            to,
            pledge=invoice.pledge,
            key=key,
        )
        sent += 1
        log.info(
            "Overdue reminder for %s (%s days past due, window from day %s) to %s.",
            invoice.number,
            item.days_past_due,
            window,
            ", ".join(to),
        )
    return sent
