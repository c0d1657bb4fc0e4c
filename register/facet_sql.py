"""The search tool's counting query, written as SQL: every option of every facet counted in one
grouped scan of the facet table (`count(*) FILTER (WHERE …)`, which PostgreSQL and SQLite both
run). Built by hand because the ORM spends longer composing ~45 filtered aggregates than the
database spends running them. Only integers and codes from the register's vocabularies are
written into the text; everything else is a parameter.
"""

from decimal import Decimal

from django.db import connection

from register.choices import (
    AgreementType,
    AreaOfAction,
    Contribution,
    PartnerCategory,
    Region,
    codes,
)
from register.facets import AREA_BITS, REGION_BITS, mask_of
from register.models import AgreementFacet

COLUMNS = {"type": "agreement_type", "category": "partner_category", "contribution": "contribution"}
VOCABULARIES = {
    "region": Region,
    "area": AreaOfAction,
    "type": AgreementType,
    "category": PartnerCategory,
    "contribution": Contribution,
}
VALUE_SQL = {
    "under_50k": ("value < %s", [Decimal(50_000)]),
    "50k_250k": ("(value >= %s AND value < %s)", [Decimal(50_000), Decimal(250_000)]),
    "250k_1m": ("(value >= %s AND value < %s)", [Decimal(250_000), Decimal(1_000_000)]),
    "over_1m": ("value >= %s", [Decimal(1_000_000)]),
    "no_value": ("value IS NULL", []),
}


def option_sql(facet: str, code: str) -> tuple[str, list]:
    if facet == "region":
        return f"(region_mask & {REGION_BITS[code]}) <> 0", []
    if facet == "area":
        return f"(area_mask & {AREA_BITS[code]}) <> 0", []
    if facet == "value":
        return VALUE_SQL[code]
    return f"{COLUMNS[facet]} = %s", [code]


def selected_sql(params) -> dict[str, tuple[str, list]]:
    """One SQL condition per facet with a selection (years included)."""
    selected = {}
    if params.region:
        selected["region"] = (f"(region_mask & {mask_of(params.region, REGION_BITS)}) <> 0", [])
    if params.area:
        selected["area"] = (f"(area_mask & {mask_of(params.area, AREA_BITS)}) <> 0", [])
    for facet, column in COLUMNS.items():
        chosen = getattr(params, facet)
        if chosen:
            selected[facet] = (f"{column} IN ({', '.join(['%s'] * len(chosen))})", list(chosen))
    if params.value:
        parts = [option_sql("value", key) for key in params.value]
        selected["value"] = (
            "(" + " OR ".join(sql for sql, _ in parts) + ")",
            [p for _, ps in parts for p in ps],
        )
    if params.year_from or params.year_to:
        sql, values = "year IS NOT NULL", []
        if params.year_from:
            sql, values = sql + " AND year >= %s", [*values, params.year_from]
        if params.year_to:
            sql, values = sql + " AND year <= %s", [*values, params.year_to]
        selected["year"] = (f"({sql})", values)
    return selected


def options() -> list[tuple[str, str]]:
    """Every (facet, code) counted, in a fixed order."""
    result = [
        (facet, code) for facet, vocabulary in VOCABULARIES.items() for code in codes(vocabulary)
    ]
    return result + [("value", key) for key in VALUE_SQL]


def _conjunction(parts: list[tuple[str, list]]) -> tuple[str, list]:
    if not parts:
        return "", []
    return " AND ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]


def count_rows(params, matching_ids_sql: tuple[str, list] | None) -> list[dict]:
    """Per year (None for drafts): `n`, agreements passing every non-year filter, and `o<i>`
    for each of `options()`, agreements passing every filter except its own facet's and the
    year's, having that option."""
    selected = selected_sql(params)
    select, params_out = ["year", "COUNT(*) AS n"], []
    everything = _conjunction([c for f, c in selected.items() if f != "year"])
    if everything[0]:
        select[1] = f"COUNT(*) FILTER (WHERE {everything[0]}) AS n"
        params_out += everything[1]
    for index, (facet, code) in enumerate(options()):
        parts = [c for f, c in selected.items() if f not in (facet, "year")]
        sql, values = _conjunction([*parts, option_sql(facet, code)])
        select.append(f"COUNT(*) FILTER (WHERE {sql}) AS o{index}")
        params_out += values
    where, where_params = [], []
    if matching_ids_sql is not None:
        where.append(f"agreement_id IN ({matching_ids_sql[0]})")
        where_params += matching_ids_sql[1]
    if len(selected) >= 2:
        # A row failing two selected filters counts nowhere: leave it out of the aggregation.
        passed = " + ".join(f"CASE WHEN {sql} THEN 1 ELSE 0 END" for sql, _ in selected.values())
        where.append(f"({passed}) >= %s")
        where_params += [p for _, ps in selected.values() for p in ps] + [len(selected) - 1]
    table = connection.ops.quote_name(AgreementFacet._meta.db_table)
    # Only integers, column names and vocabulary-checked codes are in the text (see above).
    sql = f"SELECT {', '.join(select)} FROM {table}"  # noqa: S608
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " GROUP BY year"
    with connection.cursor() as cursor:
        cursor.execute(sql, params_out + where_params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
