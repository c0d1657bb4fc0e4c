"""The register's CSV format: its columns, how each value is written, and formula neutralisation.

One canonical text form per value, used by the export, by the import to decide whether a row
changes anything, and by the audit trail, so all three agree on what "the same" means.
"""

import re
from decimal import Decimal

from register.choices import codes

COLUMNS = (
    "reference",
    "title",
    "partner",
    "partner_category",
    "agreement_type",
    "signed_on",
    "entry_into_force",
    "value",
    "currency",
    "contribution",
    "regions",
    "areas",
    "objective",
    "amends",
)
SEPARATOR = ";"

# A cell a spreadsheet would run as a formula, possibly already behind our quote prefixes.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """Prefix a quote to a cell a spreadsheet would treat as a formula (and to one that already
    looks neutralised, so `restore` gives back exactly the stored text)."""
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """The inverse of `neutralise`, applied to every imported cell."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


def format_date(value) -> str:
    return value.isoformat() if value else ""


def format_value(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.01'))}"


def canonical_codes(values, vocabulary) -> list[str]:
    present = set(values)
    return [code for code in codes(vocabulary) if code in present]


def join(values) -> str:
    return SEPARATOR.join(values)


def split(cell: str) -> list[str]:
    """The values of a multi-valued cell, trimmed, blanks and repeats dropped, order kept."""
    seen = []
    for part in cell.split(SEPARATOR):
        part = " ".join(part.split())
        if part and part not in seen:
            seen.append(part)
    return seen


def agreement_row(agreement) -> dict[str, str]:
    """The register's text form of one agreement (expects `models.with_lists` prefetching)."""
    return {
        "reference": agreement.reference,
        "title": agreement.title,
        "partner": join(partner.name for partner in agreement.partner_list),
        "partner_category": agreement.partner_category,
        "agreement_type": agreement.agreement_type,
        "signed_on": format_date(agreement.signed_on),
        "entry_into_force": format_date(agreement.entry_into_force),
        "value": format_value(agreement.value),
        "currency": agreement.currency,
        "contribution": agreement.contribution,
        "regions": join(agreement.region_codes),
        "areas": join(agreement.area_codes),
        "objective": agreement.objective,
        "amends": agreement.amends.reference if agreement.amends_id else "",
    }
