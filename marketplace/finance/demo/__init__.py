"""Demo rates of exchange: monthly 2015–2026 for CHF, EUR, GBP, JPY, CNY and RUB
(`un_operational_rates.csv`, approximate figures; see generate.py)."""

from pathlib import Path

from marketplace.finance.rate_import import ImportResult, import_rates

DEMO_RATES = Path(__file__).with_name("un_operational_rates.csv")


def load_demo_rates() -> ImportResult:
    """Import the demo rates (stored ones are unchanged: idempotent)."""
    return import_rates(DEMO_RATES.read_text(encoding="utf-8"))
