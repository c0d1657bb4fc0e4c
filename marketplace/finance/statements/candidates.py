"""The pledges an unallocated bank line may be for, for finance's review: open pledges in the
line's currency that owe exactly its amount, and those whose organisation's name is like the
payer's (PostgreSQL trigram similarity; difflib elsewhere). Best first, at most `LIMIT`."""

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from marketplace.finance.balance import OWING_STATES, balance_of
from marketplace.finance.models import Invoice
from marketplace.pledges.models import Pledge

LIMIT = 8
SIMILAR = 0.3  # trigram similarity, 0..1
SIMILAR_DIFFLIB = 0.6


@dataclass
class Candidate:
    pledge: Pledge
    invoice: Invoice | None
    due: Decimal
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def target(self) -> str:
        """What `unallocated.allocate` takes: the invoice number, else the pledge reference."""
        return self.invoice.number if self.invoice else self.pledge.reference


def _open_pledges(currency):
    return Pledge.objects.filter(status__in=OWING_STATES, currency=currency).select_related(
        "organisation"
    )


def _similar(payer: str, currency: str) -> dict[int, float]:
    payer = " ".join((payer or "").split())
    if not payer:
        return {}
    pledges = _open_pledges(currency)
    if connection.vendor == "postgresql":
        rows = (
            pledges.annotate(
                similarity=Greatest(
                    TrigramSimilarity("organisation__display_name", payer),
                    TrigramSimilarity("organisation__legal_name", payer),
                )
            )
            .filter(similarity__gte=SIMILAR)
            .order_by("-similarity")
            .values_list("pk", "similarity")[: LIMIT * 2]
        )
        return dict(rows)
    scores = {}
    for pledge in pledges[:500]:
        names = (pledge.organisation.display_name, pledge.organisation.legal_name)
        ratio = max(
            difflib.SequenceMatcher(None, payer.upper(), name.upper()).ratio() for name in names
        )
        if ratio >= SIMILAR_DIFFLIB:
            scores[pledge.pk] = ratio
    return scores


def candidates_for(line) -> list[Candidate]:
    """Candidates for an unallocated statement line (see the module's doc)."""
    amount, currency = line.amount, line.currency
    same_amount = _same_amount(amount, currency)
    similar = _similar(line.payer_name, currency)
    found = []
    for pledge in _open_pledges(currency).filter(pk__in=same_amount | set(similar)):
        due = balance_of(pledge).due
        if due <= 0:
            continue
        candidate = Candidate(pledge, _current_invoice(pledge), due)
        if due == amount:
            candidate.reasons.append(_("owes exactly this amount"))
            candidate.score += 1
        if pledge.pk in similar:
            candidate.reasons.append(
                _("payer’s name is like %(name)s") % {"name": pledge.organisation.display_name}
            )
            candidate.score += similar[pledge.pk]
        if candidate.reasons:
            found.append(candidate)
    found.sort(key=lambda c: (-c.score, c.pledge.reference))
    return found[:LIMIT]


def _same_amount(amount, currency) -> set[int]:
    """Open pledges whose total or current invoice is the amount (their due is checked after)."""
    by_total = _open_pledges(currency).filter(total=amount).values_list("pk", flat=True)
    by_invoice = Invoice.objects.filter(
        currency=currency, amount=amount, pledge__status__in=OWING_STATES, void_note__isnull=True
    ).values_list("pledge_id", flat=True)
    return set(by_total[: LIMIT * 4]) | set(by_invoice[: LIMIT * 4])


def _current_invoice(pledge) -> Invoice | None:
    return (
        Invoice.objects.filter(pledge=pledge, void_note__isnull=True).order_by("-issued_at").first()
    )
