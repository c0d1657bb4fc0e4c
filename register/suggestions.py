"""Partners to approach for an activity in some regions and areas of action, ranked by the
evidence of their agreements.

A partner that signed an agreement covering one of the regions *and* one of the areas (the
same agreement) ranks above every partner whose agreements only match one side — a partner
with Africa from one agreement and enabling environment from others never had an agreement
for both. Within each tier the agreements are weighed: recent ones count more (the weight
halves every HALF_LIFE_YEARS), one in force more than an expired or terminated one, and a
larger stated value a little more (its order of magnitude: there are no exchange rates yet, so
values are not compared across currencies beyond that). Drafts are no evidence.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, FloatField, Max, Q, Sum, Value, When
from django.db.models.functions import Cast, Greatest, Power
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from register.choices import AgreementType, AreaOfAction, Region, Status
from register.facets import AREA_BITS, REGION_BITS, codes_of, evidence_weight, mask_of
from register.models import Partner, PartnerFacet

HALF_LIFE_YEARS = 4
EITHER_WEIGHT = 0.25  # an agreement matching one side only, against one matching both


@dataclass
class Evidence:
    """What one partner's matching agreements say."""

    both: int = 0
    either: int = 0
    region_only: int = 0
    area_only: int = 0
    regions: set = field(default_factory=set)
    areas: set = field(default_factory=set)
    both_regions: set = field(default_factory=set)
    both_areas: set = field(default_factory=set)
    latest: int | None = None
    both_latest: int | None = None
    both_values: dict = field(default_factory=lambda: defaultdict(Decimal))
    either_values: dict = field(default_factory=lambda: defaultdict(Decimal))
    weight: float = 0.0


@dataclass
class Suggestion:
    partner: Partner
    regions: list[str]
    areas: list[str]
    agreements: int
    matching_both: int = 0
    score: float = 0.0
    reason: str = ""

    def labels(self) -> list[str]:
        return [Region(c).label for c in self.regions] + [AreaOfAction(c).label for c in self.areas]


def _agreement_weight(year, status, value, this_year) -> float:
    recency = 0.5 ** (max(this_year - (year or this_year), 0) / HALF_LIFE_YEARS)
    return recency * evidence_weight(status, value)


def format_amount(currency: str, amount: Decimal) -> str:
    """USD 1.2 M, CHF 350 k, EUR 900."""
    if amount >= 1_000_000:
        text = f"{amount / 1_000_000:.1f}".rstrip("0").rstrip(".") + " M"
    elif amount >= 1_000:
        text = f"{amount / 1_000:.0f} k"
    else:
        text = f"{amount:.0f}"
    return f"{currency} {text}"


def _names(codes, vocabulary, lower=False) -> str:
    labels = [str(vocabulary(code).label) for code in codes]
    if lower:
        labels = [label.lower() for label in labels]
    return _(", ").join(labels)


def _reason(evidence: Evidence, regions, areas) -> str:
    """One sentence: how many agreements match, where, on what, the latest year, values."""
    ordered_regions = [c for c in codes_order(Region) if c in regions]
    ordered_areas = [c for c in codes_order(AreaOfAction) if c in areas]
    if evidence.both:
        count, latest = evidence.both, evidence.both_latest
        where = [c for c in ordered_regions if c in evidence.both_regions]
        what = [c for c in ordered_areas if c in evidence.both_areas]
        parts = [ngettext("%(count)d agreement", "%(count)d agreements", count) % {"count": count}]
        if where:
            parts.append(_("in %(regions)s") % {"regions": _names(where, Region)})
        if what:
            parts.append(_("on %(areas)s") % {"areas": _names(what, AreaOfAction, lower=True)})
        sentence = " ".join(parts)
    else:
        # Never an agreement for both: say what each side rests on, apart.
        latest = evidence.latest
        where = [c for c in ordered_regions if c in evidence.regions]
        what = [c for c in ordered_areas if c in evidence.areas]
        parts = []
        if where:
            parts.append(
                ngettext(
                    "%(count)d agreement in %(regions)s",
                    "%(count)d agreements in %(regions)s",
                    evidence.region_only,
                )
                % {"count": evidence.region_only, "regions": _names(where, Region)}
            )
        if what:
            parts.append(
                ngettext(
                    "%(count)d agreement on %(areas)s",
                    "%(count)d agreements on %(areas)s",
                    evidence.area_only,
                )
                % {"count": evidence.area_only, "areas": _names(what, AreaOfAction, lower=True)}
            )
        sentence = _(" and ").join(parts)
        if where and what:
            sentence = _("%(sentence)s, none for both") % {"sentence": sentence}
    if latest:
        sentence = _("%(what)s, latest %(year)s") % {"what": sentence, "year": latest}
    # Per currency (no exchange rates yet), for the agreements the sentence counts.
    amounts = evidence.both_values if evidence.both else evidence.either_values
    values = [format_amount(c, v) for c, v in sorted(amounts.items()) if v]
    if values:
        sentence = f"{sentence}, {', '.join(values)}"
    if evidence.both and evidence.either:
        sentence = _("%(sentence)s (and %(count)s matching only the region or the area)") % {
            "sentence": sentence,
            "count": evidence.either,
        }
    return sentence


def codes_order(vocabulary) -> list[str]:
    return list(vocabulary.values)


def _matching(region_mask: int, area_mask: int) -> tuple[Q, Q]:
    """(matching either side, matching both) as conditions on `PartnerFacet` rows."""
    both, either = Q(), Q()
    if region_mask:
        both &= Q(region_mask__hasany=region_mask)
        either |= Q(region_mask__hasany=region_mask)
    if area_mask:
        both &= Q(area_mask__hasany=area_mask)
        either |= Q(area_mask__hasany=area_mask)
    return either, both


def _evidence_rows(region_mask: int, area_mask: int):
    """The (agreement, partner) facet rows that are evidence: signed, not a draft, not an
    addendum, matching a region or an area asked for."""
    either, _both = _matching(region_mask, area_mask)
    return (
        PartnerFacet.objects.filter(either, year__isnull=False)
        .exclude(agreement_type=AgreementType.ADDENDUM)
        .exclude(status=Status.DRAFT)
    )


def _top_partners(region_mask, area_mask, exclude, limit, this_year) -> list[int]:
    """The ids of the `limit` best partners, ranked in the database: one grouped scan of the
    narrow `PartnerFacet` table (one row per agreement and partner, no join), those with an
    agreement matching both sides first, then by the summed weight of their agreements (the
    same weights as `_agreement_weight`: the stored `weight` halved every HALF_LIFE_YEARS)."""
    _either, both = _matching(region_mask, area_mask)
    age = Greatest(Value(this_year) - F("year"), Value(0))
    recency = Power(Value(0.5), Cast(age, FloatField()) / Value(float(HALF_LIFE_YEARS)))
    kind = Case(
        When(both, then=Value(1.0)), default=Value(EITHER_WEIGHT), output_field=FloatField()
    )
    ranked = (
        _evidence_rows(region_mask, area_mask)
        .exclude(partner_id__in=list(exclude))
        .values("partner_id")
        .annotate(
            has_both=Max(Case(When(both, then=Value(1)), default=Value(0))),
            weight=Sum(recency * F("weight") * kind, output_field=FloatField()),
        )
        .order_by("-has_both", "-weight", "partner_id")
    )
    return [row["partner_id"] for row in ranked[:limit]]


def rank_partners(*, regions=(), areas=(), exclude=(), limit=6, today=None) -> list[Suggestion]:
    """Partners to approach for `regions` and `areas` (codes), best evidence first: see the
    module's docstring for the order. Each suggestion carries a `reason` sentence. The ranking
    is one grouped query on `PartnerFacet`; the reasons read the same rows of the partners
    shown (a third query names them)."""
    regions, areas = [r for r in regions if r in REGION_BITS], [a for a in areas if a in AREA_BITS]
    if not regions and not areas:
        return []
    region_mask, area_mask = mask_of(regions, REGION_BITS), mask_of(areas, AREA_BITS)
    this_year = (today or datetime.date.today()).year
    top = _top_partners(region_mask, area_mask, exclude, limit, this_year)
    if not top:
        return []
    evidence: dict[int, Evidence] = defaultdict(Evidence)
    rows = (
        _evidence_rows(region_mask, area_mask)
        .filter(partner_id__in=top)
        .values_list(
            "partner_id", "region_mask", "area_mask", "year", "value", "currency", "status"
        )
    )
    for partner_id, rmask, amask, year, value, currency, status in rows.iterator(chunk_size=5000):
        shared_regions = set(codes_of(rmask & region_mask, REGION_BITS))
        shared_areas = set(codes_of(amask & area_mask, AREA_BITS))
        # With only regions (or only areas) asked for, matching them is matching "both".
        both = (shared_regions or not region_mask) and (shared_areas or not area_mask)
        item = evidence[partner_id]
        item.regions |= shared_regions
        item.areas |= shared_areas
        item.latest = max(item.latest or year, year)
        weight = _agreement_weight(year, status, value, this_year)
        if both:
            item.both += 1
            item.both_regions |= shared_regions
            item.both_areas |= shared_areas
            item.both_latest = max(item.both_latest or year, year)
            item.weight += weight
            if value is not None and currency:
                item.both_values[currency] += value
        else:
            item.either += 1
            item.region_only += bool(shared_regions)
            item.area_only += bool(shared_areas)
            item.weight += weight * EITHER_WEIGHT
            if value is not None and currency:
                item.either_values[currency] += value
    ranked = [(pk, evidence[pk]) for pk in top if pk in evidence]
    partners = Partner.objects.in_bulk(top)
    return [
        Suggestion(
            partner=partners[pk],
            regions=[c for c in codes_order(Region) if c in item.regions],
            areas=[c for c in codes_order(AreaOfAction) if c in item.areas],
            agreements=item.both + item.either,
            matching_both=item.both,
            score=round(item.weight, 4),
            reason=_reason(item, regions, areas),
        )
        for pk, item in ranked
        if pk in partners
    ]
