"""The register's facet rows (`AgreementFacet`): regions and areas as bit masks beside the
agreement's year, type, category, contribution and value; and one `PartnerFacet` per
(agreement, partner) link with the same masks, year, status, type and value, which the
partners-to-approach ranking and the KPIs' new partners read.

`refresh` is called by every write (import, admin, services) in the same transaction, so the
rows always match the agreements; `rebuild` rewrites them all (`manage.py
rebuild_register_facets`).
"""

import datetime
import math

from django.db import connection

from marketplace.core.reporting import REPORTING_FIELDS
from marketplace.finance.rates import RateBook
from register import bulk
from register.choices import AreaOfAction, Region, Status, codes
from register.models import (
    AgreementArea,
    AgreementFacet,
    AgreementPartner,
    AgreementRegion,
    PartnerFacet,
    PartnershipAgreement,
)
from register.valuation import store_valuations

REGION_BITS = {code: 1 << index for index, code in enumerate(codes(Region))}
AREA_BITS = {code: 1 << index for index, code in enumerate(codes(AreaOfAction))}
FIELDS = [
    "pk",
    "signed_on",
    "agreement_type",
    "partner_category",
    "contribution",
    "value",
    "currency",
    "status",
    "business_owner_id",
]
VALUATION_FIELDS = ["pk", "value", "currency", "signed_on", *REPORTING_FIELDS]


# How much one agreement weighs as evidence for its partners before its age counts (the
# ranking in `suggestions.py` halves it every few years): in force more than expired or
# terminated, and a larger stated value a little more (1 for no value, 1.6 for a million).
STATUS_WEIGHT = {Status.IN_FORCE: 1.0, Status.EXPIRED: 0.6, Status.TERMINATED: 0.3}


def evidence_weight(status: str, value) -> float:
    return STATUS_WEIGHT.get(status, 0.5) * (1 + math.log10(1 + float(value or 0)) / 10)


def mask_of(values, bits) -> int:
    result = 0
    for value in values:
        result |= bits[value]
    return result


def codes_of(mask: int, bits) -> list[str]:
    return [code for code, bit in bits.items() if mask & bit]


def _chunks(ids):
    size = 900 if connection.vendor == "sqlite" else 5000
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def refresh(ids) -> None:
    """Rewrite the facet rows of these agreements from what is stored, valuing each in the
    reporting currency first (`valuation.py`)."""
    book = RateBook()
    for chunk in _chunks(ids):
        reporting = store_valuations(
            PartnershipAgreement.objects.filter(pk__in=chunk).values_list(*VALUATION_FIELDS),
            book,
        )
        AgreementFacet.objects.filter(agreement_id__in=chunk).delete()
        PartnerFacet.objects.filter(agreement_id__in=chunk).delete()
        regions: dict[int, int] = {}
        for pk, code in AgreementRegion.objects.filter(agreement_id__in=chunk).values_list(
            "agreement_id", "code"
        ):
            regions[pk] = regions.get(pk, 0) | REGION_BITS[code]
        areas: dict[int, int] = {}
        for pk, code in AgreementArea.objects.filter(agreement_id__in=chunk).values_list(
            "agreement_id", "code"
        ):
            areas[pk] = areas.get(pk, 0) | AREA_BITS[code]
        partners: dict[int, list[int]] = {}
        for pk, partner_id in AgreementPartner.objects.filter(agreement_id__in=chunk).values_list(
            "agreement_id", "partner_id"
        ):
            partners.setdefault(pk, []).append(partner_id)
        facets, partner_facets = [], []
        for values in PartnershipAgreement.objects.filter(pk__in=chunk).values_list(*FIELDS):
            (pk, signed_on, agreement_type, partner_category, contribution, value, currency) = (
                values[:-2]
            )
            status, business_owner_id = values[-2:]
            year = signed_on.year if signed_on else None
            facets.append(
                AgreementFacet(
                    agreement_id=pk,
                    recency=signed_on or datetime.date.min,
                    year=year,
                    agreement_type=agreement_type,
                    partner_category=partner_category,
                    contribution=contribution,
                    value=value,
                    currency=currency,
                    reporting_value=reporting.get(pk),
                    region_mask=regions.get(pk, 0),
                    area_mask=areas.get(pk, 0),
                    status=status,
                    business_owner_id=business_owner_id,
                )
            )
            partner_facets.extend(
                PartnerFacet(
                    agreement_id=pk,
                    partner_id=partner_id,
                    year=year,
                    status=status,
                    agreement_type=agreement_type,
                    value=value,
                    currency=currency,
                    region_mask=regions.get(pk, 0),
                    area_mask=areas.get(pk, 0),
                    weight=evidence_weight(status, value),
                )
                for partner_id in partners.get(pk, ())
            )
        bulk.create(AgreementFacet, facets)
        bulk.create(PartnerFacet, partner_facets)


def rebuild() -> int:
    """Rewrite every facet row; returns how many agreements there are."""
    AgreementFacet.objects.all().delete()
    PartnerFacet.objects.all().delete()
    ids = list(PartnershipAgreement.objects.values_list("pk", flat=True))
    refresh(ids)
    return len(ids)
