"""How `agreements.csv` was made: plausible agreements 2015–2018 whose statistics reproduce the
seed report's two charts (200 new agreements, 39 addenda).

Run `python manage.py shell -v 0 -c "from register.demo.generate import main; main()" >
register/demo/agreements.csv` to rebuild it; the output is deterministic. The seed's area chart
lists fewer values than areas for some years (zeros are left out); we read its values in the
chart's area order, so the areas without a value are the last ones (see AREAS_PER_YEAR). The
dollar values of 2018 are then fitted to the seed's total (see REPORTED_USD_VALUE).
"""

import csv
import datetime
import random
import sys
from decimal import Decimal

from marketplace.finance.demo import DEMO_RATES
from marketplace.finance.rates import convert
from register.demo import partners as P

# Seed chart "Beneficiary Regions of new signed Agreements".
REGIONS_PER_YEAR = {
    2015: {"AFR": 16.5, "AMS": 9, "ARB": 7, "ASP": 15, "CIS": 3, "EUR": 7.5, "GLO": 10},
    2016: {"AFR": 3, "AMS": 4, "ARB": 3, "ASP": 2, "CIS": 1, "EUR": 1, "GLO": 15},
    2017: {"AFR": 5, "AMS": 8, "ARB": 3, "ASP": 8, "CIS": 1, "EUR": 2, "GLO": 33},
    2018: {"AFR": 4, "AMS": 5, "ARB": 3, "ASP": 7, "CIS": 1, "EUR": 2, "GLO": 21},
}
AREA_ORDER = [
    "capacity_building",
    "cybersecurity",
    "digital_inclusion",
    "emergency",
    "enabling_environment",
    "generic",
    "ict_applications",
    "infrastructure",
    "innovation",
    "climate_change_ewaste",
    "statistics",
]
# Seed chart "Areas of Action of new signed Agreements", values in the chart's order.
AREAS_PER_YEAR = {
    2015: [34, 7, 1, 1, 7, 3, 6, 8, 1],
    2016: [3, 3, 1, 1, 2, 2, 9, 5, 1, 2],
    2017: [4, 2, 3, 4, 8, 20, 11, 5, 1, 2],
    2018: [3, 5, 1, 2, 14, 3, 3, 9, 1, 2],
}
ADDENDA_PER_YEAR = {2015: 12, 2016: 9, 2017: 11, 2018: 7}
# Seed: "43 new partnership agreements … with an estimated value of USD 10.9 million" (2018,
# addenda included): the dollar values of the year are scaled so that, at the demo's rates
# (marketplace/finance/demo), the year's values total exactly this. The rates are never changed.
REPORTED_USD_VALUE = {2018: Decimal("10900000.00")}
ROUND_TO = 5000
# Agreements with several regions / areas: each combination replaces one single-code
# agreement per code with as many agreements sharing them, which keeps every total.
REGION_COMBINATIONS = {
    2015: [("AFR", "ARB"), ("ASP", "CIS"), ("AMS", "EUR")],
    2016: [("AFR", "ARB")],
    2017: [("AMS", "ASP"), ("AFR", "ARB", "ASP")],
    2018: [("AFR", "ASP"), ("ARB", "EUR")],
}
AREA_COMBINATIONS = {
    2015: [("cybersecurity", "enabling_environment")],
    2016: [("ict_applications", "infrastructure")],
    2017: [("generic", "ict_applications"), ("enabling_environment", "infrastructure")],
    2018: [("enabling_environment", "infrastructure"), ("cybersecurity", "capacity_building")],
}
COLUMNS = (
    "reference,title,partner,partner_category,agreement_type,signed_on,entry_into_force,"
    "value,currency,contribution,regions,areas,objective,amends"
).split(",")


def _assignments(counts: dict[str, float], combinations) -> list[tuple[str, ...]]:
    singles = {code: count for code, count in counts.items()}
    result = []
    halves = [code for code, count in singles.items() if count != int(count)]
    if halves:
        result.append(tuple(halves))
        for code in halves:
            singles[code] -= 0.5
    for combination in combinations:
        for code in combination:
            singles[code] -= 1
        result.extend([combination] * len(combination))
    for code, count in singles.items():
        assert count == int(count) and count >= 0, (code, count)
        result.extend([(code,)] * int(count))
    return result


def _areas(year: int) -> dict[str, int]:
    values = AREAS_PER_YEAR[year]
    return {code: (values[i] if i < len(values) else 0) for i, code in enumerate(AREA_ORDER)}


def _date(rng, year) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(0, 364))


def _value(rng, kind, year) -> tuple[str, str, str]:
    """(value, currency, contribution) for an agreement type."""
    if kind in ("mou", "cooperation_agreement") and rng.random() < 0.7:
        return "", "", "none"
    if kind == "sponsorship":
        return f"{rng.choice([5, 10, 15, 20, 25, 40, 50])}000.00", "CHF", "cash"
    if rng.random() < 0.2:
        return f"{rng.randrange(2, 30) * 5000}.00", "USD", "in_kind"
    currency = rng.choice(["USD", "USD", "CHF", "EUR"])
    return f"{rng.randrange(4, 90) * 5000}.00", currency, "cash"


def build_rows() -> list[dict[str, str]]:
    rng = random.Random(2019)
    rows = []
    for year in sorted(REGIONS_PER_YEAR):
        regions = _assignments(REGIONS_PER_YEAR[year], REGION_COMBINATIONS[year])
        areas = _assignments(_areas(year), AREA_COMBINATIONS[year])
        assert len(regions) == len(areas), (year, len(regions), len(areas))
        rng.shuffle(regions)
        # Capacity building first, so 2015's Centres of Excellence agreements come together.
        areas.sort(key=lambda codes: codes[0] != "capacity_building")
        year_rows = []
        for number, (region_codes, area_codes) in enumerate(
            zip(regions, areas, strict=True), start=1
        ):
            coe = year == 2015 and number <= 28
            spec = P.agreement_for(rng, year, region_codes, area_codes, centre_of_excellence=coe)
            signed = _date(rng, year)
            value, currency, contribution = _value(rng, spec.kind, year)
            year_rows.append(
                {
                    "reference": "",
                    "title": spec.title,
                    "partner": ";".join(spec.partners),
                    "partner_category": spec.category,
                    "agreement_type": spec.kind,
                    "signed_on": signed.isoformat(),
                    "entry_into_force": (
                        signed + datetime.timedelta(days=rng.choice([0, 0, 0, 15, 30]))
                    ).isoformat(),
                    "value": value,
                    "currency": currency,
                    "contribution": contribution,
                    "regions": ";".join(region_codes),
                    "areas": ";".join(area_codes),
                    "objective": spec.objective,
                    "amends": "",
                }
            )
        year_rows.sort(key=lambda row: row["signed_on"])
        for number, row in enumerate(year_rows, start=1):
            row["reference"] = f"BDT/{year}/{number:03d}"
        if year == 2018:
            _large_2018_agreements(year_rows)
        rows.extend(year_rows)
        rows.extend(_addenda(rng, year, rows))
    _fit_reported_values(rows)
    return rows


def _demo_rates() -> dict[tuple[str, str], Decimal]:
    with DEMO_RATES.open(encoding="utf-8") as stream:
        return {
            (row["currency"], row["valid_from"][:7]): Decimal(row["per_usd"])
            for row in csv.DictReader(stream)
        }


def _fit_reported_values(rows) -> None:
    """Scale each reported year's dollar values (to the nearest ROUND_TO, the largest taking
    the cents left over) so the year's values in US dollars — the others converted at the rate
    of their signature month, as the register values them — total REPORTED_USD_VALUE."""
    rates = _demo_rates()
    for year, target in REPORTED_USD_VALUE.items():
        valued = [r for r in rows if r["signed_on"].startswith(f"{year}-") and r["value"]]
        dollars = [r for r in valued if r["currency"] == "USD"]
        others = sum(
            convert(r["value"], rates[(r["currency"], r["signed_on"][:7])], 1)[1]
            for r in valued
            if r["currency"] != "USD"
        )
        needed = target - others
        stated = sum(Decimal(r["value"]) for r in dollars)
        for row in dollars:
            scaled = Decimal(row["value"]) * needed / stated
            row["value"] = f"{max(round(scaled / ROUND_TO), 1) * ROUND_TO}.00"
        largest = max(dollars, key=lambda r: Decimal(r["value"]))
        rest = needed - sum(Decimal(r["value"]) for r in dollars)
        largest["value"] = f"{Decimal(largest['value']) + rest:.2f}"


def _large_2018_agreements(rows):
    """The report's example: the European Commission's EUR 5.5 million spectrum project."""
    for row in rows:
        if "AFR" in row["regions"] and "enabling_environment" in row["areas"]:
            row.update(
                title=(
                    "Increasing wireless broadband penetration through improved and harmonized "
                    "spectrum utilization and regulation in the African continent"
                ),
                partner="European Commission",
                partner_category="intergovernmental",
                agreement_type="project_document",
                value="5500000.00",
                currency="EUR",
                contribution="cash",
            )
            return


def _addenda(rng, year, rows) -> list[dict[str, str]]:
    candidates = [
        r for r in rows if r["agreement_type"] != "addendum" and r["signed_on"] < f"{year}-07-01"
    ]
    result = []
    for number in range(1, ADDENDA_PER_YEAR[year] + 1):
        original = rng.choice(candidates)
        signed = datetime.date(year, 7, 1) + datetime.timedelta(days=rng.randrange(0, 180))
        extra = rng.randrange(2, 40) * 5000
        currency = original["currency"] or "USD"
        result.append(
            dict(
                original,
                reference=f"BDT/{year}/A{number:02d}",
                title=f"Addendum to {original['reference']}: {original['title']}"[:255],
                agreement_type="addendum",
                signed_on=signed.isoformat(),
                entry_into_force=signed.isoformat(),
                value=f"{extra}.00",
                currency=currency,
                contribution="cash",
                objective="Extends the duration and the budget of the original agreement.",
                amends=original["reference"],
            )
        )
    return result


def main(out=sys.stdout):
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(build_rows())


if __name__ == "__main__":
    main()
