"""Open data: aggregate partnership figures of the agreements marked publishable, for anyone.

Only counts and sums leave the register — per year and beneficiary region, area of action,
agreement type, partner category, and stated value per currency (there are no exchange rates
yet, so currencies are never added together). No reference, title, partner, objective,
signatory or document appears, so a confidential field cannot leak through these figures.
The same rules as the staff statistics apply (`stats.py`: 1/k shares, addenda apart).
"""

import datetime

from register.models import PartnershipAgreement
from register.stats import (
    agreement_stats,
    format_number,
    value_by_currency,
)

# The long CSV's columns: one figure per line, so a new code never changes the layout.
CSV_COLUMNS = ["dimension", "year", "code", "label", "value"]
DIMENSION_ORDER = ("region", "area", "type", "category")


def _number(value):
    text = format_number(value)
    return int(text) if text.isdigit() else float(text)


def open_figures(today: datetime.date | None = None) -> dict:
    """The open figures as plain data (what the JSON download gives): per dimension, per year,
    per code; and the value per year and currency. Only publishable agreements count."""
    figures = {
        "title": "Partnership agreements: open figures",
        "generated_on": (today or datetime.date.today()).isoformat(),
        "agreements": PartnershipAgreement.objects.filter(
            publishable=True, signed_on__isnull=False
        ).count(),
        "notes": [
            "Only agreements marked publishable are counted.",
            "By region and area: new agreements (addenda excluded); an agreement for k "
            "regions (or areas) counts 1/k in each.",
            "By type: every agreement, addenda included. By category: new agreements.",
            "Values are the stated values, per currency, never converted or added together.",
        ],
        "dimensions": {},
    }
    for by in DIMENSION_ORDER:
        table = agreement_stats(by, publishable_only=True)
        labels = {code: str(label) for code, label in zip(table.codes, table.labels, strict=True)}
        figures["dimensions"][by] = {
            "labels": labels,
            "rows": [
                {
                    "year": row.year,
                    "values": {
                        code: _number(value)
                        for code, value in zip(table.codes, row.values, strict=True)
                    },
                    "total": row.total,
                }
                for row in table.rows
            ],
        }
    values = value_by_currency(publishable_only=True)
    figures["value_by_currency"] = [
        {"year": year, "currency": currency, "value": f"{amount:.2f}"}
        for year, amounts in values.rows
        for currency, amount in zip(values.currencies, amounts, strict=True)
        if amount
    ]
    return figures


def csv_rows(figures: dict) -> list[list[str]]:
    """The figures as one long table (`CSV_COLUMNS`): dimension, year, code, label, value."""
    rows = [CSV_COLUMNS]
    for by in DIMENSION_ORDER:
        dimension = figures["dimensions"][by]
        for row in dimension["rows"]:
            for code, value in row["values"].items():
                rows.append([by, str(row["year"]), code, dimension["labels"][code], str(value)])
            rows.append([by, str(row["year"]), "total", "", str(row["total"])])
    for item in figures["value_by_currency"]:
        rows.append(["value", str(item["year"]), item["currency"], "", item["value"]])
    return rows
