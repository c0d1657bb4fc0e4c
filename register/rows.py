"""Stored agreements in the CSV's text form, read in bulk (a few queries per thousand rows),
for the export and for the import's comparison with what is stored."""

from django.db.models import F

from register.choices import AreaOfAction, Region
from register.csvformat import canonical_codes, format_date, format_value, join
from register.models import AgreementArea, AgreementPartner, AgreementRegion, PartnershipAgreement

SCALAR_FIELDS = [
    "title",
    "partner_category",
    "agreement_type",
    "signed_on",
    "entry_into_force",
    "value",
    "currency",
    "contribution",
    "objective",
]
FIELDS = ["pk", "reference", *SCALAR_FIELDS, "amends__reference"]
CHUNK = 2000


def _lists(pks) -> dict[str, dict[int, list[str]]]:
    partners: dict[int, list[str]] = {}
    for pk, name in (
        AgreementPartner.objects.filter(agreement_id__in=pks)
        .order_by("agreement_id", "sort_order", "pk")
        .values_list("agreement_id", "partner__name")
    ):
        partners.setdefault(pk, []).append(name)
    regions: dict[int, list[str]] = {}
    for pk, code in AgreementRegion.objects.filter(agreement_id__in=pks).values_list(
        "agreement_id", "code"
    ):
        regions.setdefault(pk, []).append(code)
    areas: dict[int, list[str]] = {}
    for pk, code in AgreementArea.objects.filter(agreement_id__in=pks).values_list(
        "agreement_id", "code"
    ):
        areas.setdefault(pk, []).append(code)
    return {"partner": partners, "regions": regions, "areas": areas}


def _row(values: dict, lists, pk) -> dict[str, str]:
    return {
        "reference": values["reference"],
        "title": values["title"],
        "partner": join(lists["partner"].get(pk, [])),
        "partner_category": values["partner_category"],
        "agreement_type": values["agreement_type"],
        "signed_on": format_date(values["signed_on"]),
        "entry_into_force": format_date(values["entry_into_force"]),
        "value": format_value(values["value"]),
        "currency": values["currency"],
        "contribution": values["contribution"],
        "regions": join(canonical_codes(lists["regions"].get(pk, ()), Region)),
        "areas": join(canonical_codes(lists["areas"].get(pk, ()), AreaOfAction)),
        "objective": values["objective"],
        "amends": values["amends__reference"] or "",
    }


def _complete(records):
    lists = _lists([record[0] for record in records])
    for record in records:
        values = dict(zip(FIELDS, record, strict=True))
        yield values["pk"], _row(values, lists, values["pk"])


def iter_rows(queryset=None, chunk: int = CHUNK):
    """(pk, row) for each agreement of the queryset, oldest signature first."""
    if queryset is None:
        queryset = PartnershipAgreement.objects.all()
    records = queryset.order_by(F("signed_on").asc(nulls_last=True), "reference").values_list(
        *FIELDS
    )
    batch = []
    for record in records.iterator(chunk_size=chunk):
        batch.append(record)
        if len(batch) == chunk:
            yield from _complete(batch)
            batch = []
    if batch:
        yield from _complete(batch)


def rows_by_reference(references) -> dict[str, tuple[int, dict[str, str]]]:
    """reference -> (pk, row) for the stored agreements among `references` (one chunk)."""
    records = list(
        PartnershipAgreement.objects.filter(reference__in=references).values_list(*FIELDS)
    )
    return {row["reference"]: (pk, row) for pk, row in _complete(records)} if records else {}
