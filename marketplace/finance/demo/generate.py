"""How `un_operational_rates.csv` was made: monthly rates 2015–2026 for the currencies the demo
uses and the bureau's usual ones, from the approximate figures below.

These are not the published UN operational rates of exchange (https://treasury.un.org has
them, and none were fetched): they are month-start market levels as far as they are known here,
with the months between two known points filled in evenly, which is why every line's source
says "(approximate)". Replace the file with the published table for real figures (same
columns; `import_exchange_rates` takes it as it is).

Run, from the repository root,
`python manage.py shell -v 0 -c "from marketplace.finance.demo.generate import main; main()"
> marketplace/finance/demo/un_operational_rates.csv`
(deterministic).
"""

import calendar
import csv
import datetime
import sys
from decimal import ROUND_HALF_UP, Decimal

SOURCE = "UN operational rate of exchange (approximate)"
FIRST, LAST = (2015, 1), (2026, 12)
# Units per US dollar on known months (year, month): a sharp move gets its own point.
KNOWN = {
    "CHF": {
        (2015, 1): 0.994,
        (2015, 2): 0.930,
        (2015, 7): 0.940,
        (2016, 1): 1.000,
        (2016, 7): 0.975,
        (2017, 1): 1.020,
        (2017, 7): 0.960,
        (2018, 1): 0.975,
        (2018, 7): 0.990,
        (2019, 1): 0.985,
        (2019, 7): 0.990,
        (2020, 1): 0.970,
        (2020, 7): 0.940,
        (2021, 1): 0.885,
        (2021, 7): 0.925,
        (2022, 1): 0.920,
        (2022, 7): 0.960,
        (2023, 1): 0.925,
        (2023, 7): 0.895,
        (2024, 1): 0.840,
        (2024, 7): 0.900,
        (2025, 1): 0.905,
        (2025, 7): 0.800,
        (2026, 1): 0.800,
        (2026, 12): 0.800,
    },
    "EUR": {
        (2015, 1): 0.826,
        (2015, 2): 0.885,
        (2015, 7): 0.910,
        (2016, 1): 0.920,
        (2016, 7): 0.900,
        (2017, 1): 0.960,
        (2017, 7): 0.875,
        (2018, 1): 0.833,
        (2018, 7): 0.855,
        (2019, 1): 0.873,
        (2019, 7): 0.880,
        (2020, 1): 0.900,
        (2020, 7): 0.885,
        (2021, 1): 0.815,
        (2021, 7): 0.845,
        (2022, 1): 0.880,
        (2022, 7): 0.980,
        (2023, 1): 0.930,
        (2023, 7): 0.910,
        (2024, 1): 0.905,
        (2024, 7): 0.925,
        (2025, 1): 0.960,
        (2025, 7): 0.855,
        (2026, 1): 0.855,
        (2026, 12): 0.855,
    },
    "GBP": {
        (2015, 1): 0.642,
        (2015, 7): 0.640,
        (2016, 1): 0.680,
        (2016, 7): 0.755,
        (2017, 1): 0.810,
        (2017, 7): 0.770,
        (2018, 1): 0.740,
        (2018, 7): 0.760,
        (2019, 1): 0.785,
        (2019, 7): 0.820,
        (2020, 1): 0.760,
        (2020, 7): 0.800,
        (2021, 1): 0.730,
        (2021, 7): 0.720,
        (2022, 1): 0.740,
        (2022, 7): 0.820,
        (2023, 1): 0.830,
        (2023, 7): 0.790,
        (2024, 1): 0.785,
        (2024, 7): 0.790,
        (2025, 1): 0.800,
        (2025, 7): 0.730,
        (2026, 1): 0.745,
        (2026, 12): 0.745,
    },
    "JPY": {
        (2015, 1): 119.5,
        (2015, 7): 122.5,
        (2016, 1): 120.3,
        (2016, 7): 103.2,
        (2017, 1): 116.8,
        (2017, 7): 112.4,
        (2018, 1): 112.8,
        (2018, 7): 110.8,
        (2019, 1): 110.0,
        (2019, 7): 108.0,
        (2020, 1): 108.6,
        (2020, 7): 107.6,
        (2021, 1): 103.2,
        (2021, 7): 110.9,
        (2022, 1): 115.0,
        (2022, 7): 135.5,
        (2023, 1): 131.0,
        (2023, 7): 144.0,
        (2024, 1): 141.0,
        (2024, 7): 160.0,
        (2025, 1): 157.0,
        (2025, 7): 144.0,
        (2026, 1): 155.0,
        (2026, 12): 155.0,
    },
    "CNY": {
        (2015, 1): 6.20,
        (2015, 7): 6.21,
        (2015, 9): 6.36,
        (2016, 1): 6.49,
        (2016, 7): 6.66,
        (2017, 1): 6.94,
        (2017, 7): 6.78,
        (2018, 1): 6.50,
        (2018, 7): 6.62,
        (2019, 1): 6.86,
        (2019, 7): 6.87,
        (2020, 1): 6.96,
        (2020, 7): 7.05,
        (2021, 1): 6.47,
        (2021, 7): 6.46,
        (2022, 1): 6.36,
        (2022, 7): 6.70,
        (2023, 1): 6.90,
        (2023, 7): 7.22,
        (2024, 1): 7.10,
        (2024, 7): 7.27,
        (2025, 1): 7.30,
        (2025, 7): 7.17,
        (2026, 1): 7.10,
        (2026, 12): 7.10,
    },
    "RUB": {
        (2015, 1): 56.26,
        (2015, 2): 68.90,
        (2015, 7): 56.50,
        (2016, 1): 73.00,
        (2016, 7): 64.30,
        (2017, 1): 60.70,
        (2017, 7): 59.00,
        (2018, 1): 57.60,
        (2018, 7): 62.70,
        (2019, 1): 69.50,
        (2019, 7): 63.10,
        (2020, 1): 61.90,
        (2020, 7): 71.20,
        (2021, 1): 73.90,
        (2021, 7): 72.80,
        (2022, 1): 74.30,
        (2022, 3): 103.00,
        (2022, 7): 57.00,
        (2023, 1): 70.30,
        (2023, 7): 89.60,
        (2024, 1): 89.70,
        (2024, 7): 86.00,
        (2025, 1): 101.70,
        (2025, 7): 78.60,
        (2026, 1): 80.00,
        (2026, 12): 80.00,
    },
}
PLACES = {"JPY": Decimal("0.01"), "RUB": Decimal("0.01")}


def months():
    year, month = FIRST
    while (year, month) <= LAST:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _index(year, month):
    return year * 12 + month


def rate(currency, year, month) -> Decimal:
    points = sorted(KNOWN[currency].items())
    at = _index(year, month)
    for (start, low), (end, high) in zip(points, points[1:], strict=False):
        if _index(*start) <= at <= _index(*end):
            share = (at - _index(*start)) / (_index(*end) - _index(*start))
            value = Decimal(str(low + (high - low) * share))
            return value.quantize(PLACES.get(currency, Decimal("0.001")), ROUND_HALF_UP)
    raise ValueError(f"No known point around {currency} {year}-{month:02d}.")


def main(out=sys.stdout):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["currency", "per_usd", "valid_from", "valid_to", "source"])
    for currency in KNOWN:
        for year, month in months():
            last = calendar.monthrange(year, month)[1]
            writer.writerow(
                [
                    currency,
                    rate(currency, year, month),
                    datetime.date(year, month, 1).isoformat(),
                    datetime.date(year, month, last).isoformat(),
                    SOURCE,
                ]
            )


if __name__ == "__main__":
    main()
