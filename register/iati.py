"""IATI 2.03 activities for the publishable agreements (`manage.py export_iati FILE`).

One `iati-activity` per publishable signed agreement, in the order the 2.03 schema requires:
identifier (the reporting organisation's reference, then the agreement's), reporting org
(settings `IATI_REPORTING_ORG_*`), title and description (the objective), participating
organisations with their roles, activity status, dates, recipient regions and sectors (shares
of 100, like the statistics' 1/k), a related activity for an addendum, and the stated value as
an incoming commitment with its currency and value date. Nothing else of the agreement
(signatories, documents, business owner, notes) is written.

Mappings (documented in the README):
- areas of action -> OECD DAC CRS 5-digit purpose codes (sector vocabulary 1): `SECTORS`;
- beneficiary regions -> OECD DAC region codes (region vocabulary 1): `REGIONS`;
- partner categories -> IATI organisation types: `ORGANISATION_TYPES`;
- register status -> IATI activity status: `ACTIVITY_STATUS`.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import timezone

from register.choices import Contribution, Status
from register.models import PartnershipAgreement, with_lists

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

SECTORS = {
    "capacity_building": "22010",  # Communications policy and administrative management
    "cybersecurity": "22040",  # Information and communication technology (ICT)
    "digital_inclusion": "22040",
    "emergency": "74010",  # Disaster prevention and preparedness
    "enabling_environment": "22010",
    "generic": "22010",
    "ict_applications": "22040",
    "infrastructure": "22020",  # Telecommunications
    "innovation": "22040",
    "climate_change_ewaste": "41010",  # Environmental policy and administrative management
    "statistics": "16062",  # Statistical capacity building
}
REGIONS = {
    "AFR": "298",  # Africa, regional
    "AMS": "498",  # America, regional
    "ARB": "589",  # Middle East, regional (the closest DAC region to the Arab States)
    "ASP": "798",  # Asia, regional
    "CIS": "619",  # Central Asia, regional (the closest DAC region to the CIS)
    "EUR": "89",  # Europe, regional
    "GLO": "998",  # Developing countries, unspecified
}
ORGANISATION_TYPES = {
    "member_state": "10",  # Government
    "sector_member": "70",  # Private Sector
    "academia": "80",  # Academic, Training and Research
    "un_agency": "40",  # Multilateral
    "intergovernmental": "40",
    "ngo": "21",  # International NGO
    "foundation": "60",  # Foundation
    "private_sector": "70",
    "financial_institution": "40",
    "other": "90",  # Other
}
ACTIVITY_STATUS = {
    Status.IN_FORCE: "2",  # Implementation
    Status.EXPIRED: "4",  # Post-completion
    Status.TERMINATED: "3",  # Completion (ended early)
}
ROLE_FUNDING, ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "1", "2", "4"
INCOMING_COMMITMENT = "11"
HUNDRED = Decimal(100)


def reporting_org() -> dict[str, str]:
    return {
        "ref": settings.IATI_REPORTING_ORG_REF,
        "type": settings.IATI_REPORTING_ORG_TYPE,
        "name": settings.IATI_REPORTING_ORG_NAME,
    }


def activity_identifier(agreement: PartnershipAgreement, org_ref: str) -> str:
    """The reporting organisation's reference, a hyphen, the agreement's reference with
    anything but letters, digits, '.', '_' and '-' turned into '-'."""
    return f"{org_ref}-{re.sub(r'[^A-Za-z0-9._-]+', '-', agreement.reference).strip('-')}"


def shares(codes: list[str]) -> list[tuple[str, Decimal]]:
    """Equal percentages with two decimals that add up to exactly 100."""
    if not codes:
        return []
    each = (HUNDRED / len(codes)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    result = [(code, each) for code in codes[:-1]]
    return result + [(codes[-1], HUNDRED - each * (len(codes) - 1))]


def _narrative(parent, tag, text, **attrs):
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "narrative").text = text
    return element


def _merged(pairs) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for code, share in pairs:
        totals[code] = totals.get(code, Decimal(0)) + share
    return list(totals.items())


def activity(agreement: PartnershipAgreement, org: dict[str, str]) -> ET.Element:
    """The agreement as one `iati-activity` element."""
    attrs = {
        "last-updated-datetime": agreement.updated_at.astimezone(datetime.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
        XML_LANG: "en",
    }
    if agreement.currency:
        attrs["default-currency"] = agreement.currency
    element = ET.Element("iati-activity", attrs)
    ET.SubElement(element, "iati-identifier").text = activity_identifier(agreement, org["ref"])
    _narrative(element, "reporting-org", org["name"], ref=org["ref"], type=org["type"])
    _narrative(element, "title", agreement.title)
    _narrative(element, "description", agreement.objective or agreement.title, type="1")
    _narrative(
        element,
        "participating-org",
        org["name"],
        ref=org["ref"],
        type=org["type"],
        role=ROLE_ACCOUNTABLE,
    )
    _narrative(
        element,
        "participating-org",
        org["name"],
        ref=org["ref"],
        type=org["type"],
        role=ROLE_IMPLEMENTING,
    )
    contributes = agreement.contribution != Contribution.NONE
    for partner in agreement.partner_list:
        org_type = ORGANISATION_TYPES.get(partner.category or agreement.partner_category, "90")
        role = ROLE_FUNDING if contributes else ROLE_IMPLEMENTING
        _narrative(element, "participating-org", partner.name, type=org_type, role=role)
    ET.SubElement(element, "activity-status", code=ACTIVITY_STATUS[agreement.status])
    start = agreement.entry_into_force or agreement.signed_on
    ET.SubElement(element, "activity-date", {"type": "2", "iso-date": start.isoformat()})
    if agreement.expiry:
        ended = agreement.status != Status.IN_FORCE
        ET.SubElement(
            element,
            "activity-date",
            {"type": "4" if ended else "3", "iso-date": agreement.expiry.isoformat()},
        )
    for code, share in shares([REGIONS[c] for c in agreement.region_codes]):
        ET.SubElement(element, "recipient-region", code=code, vocabulary="1", percentage=f"{share}")
    sectors = _merged(shares([SECTORS[c] for c in agreement.area_codes]))
    for code, share in sectors:
        ET.SubElement(element, "sector", code=code, vocabulary="1", percentage=f"{share}")
    if agreement.amends_id and agreement.amends.publishable:
        ET.SubElement(
            element,
            "related-activity",
            ref=activity_identifier(agreement.amends, org["ref"]),
            type="1",  # parent: the agreement this addendum amends
        )
    if agreement.value is not None and agreement.currency:
        _transaction(element, agreement, org)
    # The schema wants related-activity after transaction: move it there.
    related = element.find("related-activity")
    if related is not None:
        element.remove(related)
        element.append(related)
    return element


def _transaction(element, agreement: PartnershipAgreement, org) -> None:
    transaction = ET.SubElement(element, "transaction")
    ET.SubElement(transaction, "transaction-type", code=INCOMING_COMMITMENT)
    ET.SubElement(transaction, "transaction-date", {"iso-date": agreement.signed_on.isoformat()})
    value = ET.SubElement(
        transaction,
        "value",
        {"currency": agreement.currency, "value-date": agreement.signed_on.isoformat()},
    )
    value.text = f"{agreement.value:.2f}"
    kind = "in kind" if agreement.contribution == Contribution.IN_KIND else "cash"
    _narrative(transaction, "description", f"Partner contribution ({kind}) as agreed")
    partners = agreement.partner_list
    if partners:
        _narrative(transaction, "provider-org", partners[0].name)
    _narrative(transaction, "receiver-org", org["name"], ref=org["ref"], type=org["type"])


def publishable_agreements():
    return (
        with_lists(PartnershipAgreement.objects.filter(publishable=True, signed_on__isnull=False))
        .exclude(status=Status.DRAFT)
        .order_by("signed_on", "reference")
    )


def write_activities(stream, now=None) -> int:
    """Write the IATI 2.03 `iati-activities` document of the publishable agreements to a
    binary stream, one activity at a time; returns how many were written."""
    org = reporting_org()
    generated = (now or timezone.now()).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(
        f'<iati-activities version="{VERSION}" generated-datetime="{generated}">\n'.encode()
    )
    count = 0
    for agreement in publishable_agreements().iterator(chunk_size=500):
        stream.write(ET.tostring(activity(agreement, org), encoding="utf-8", xml_declaration=False))
        stream.write(b"\n")
        count += 1
    stream.write(b"</iati-activities>\n")
    return count
