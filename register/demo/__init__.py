"""Demo register: the partnership officers group, its demo member and `agreements.csv`
(plausible agreements 2015–2018 reproducing the seed report's charts; see generate.py)."""

from pathlib import Path

from django.contrib.auth import get_user_model

from register.access import PARTNERSHIP_OFFICERS, ensure_partnership_groups
from register.importing import ImportResult, import_agreements

DEMO_CSV = Path(__file__).with_name("agreements.csv")
DEMO_OFFICER = "partnerships@example.org"


def load_demo_register() -> ImportResult:
    """Ensure the groups, put the demo officer in hers, and add the demo agreements that are
    not there yet (stored ones are left as they are). Idempotent."""
    groups = ensure_partnership_groups()
    officer = get_user_model().objects.filter(email__iexact=DEMO_OFFICER).first()
    if officer is not None:
        officer.groups.add(groups[PARTNERSHIP_OFFICERS])
    with DEMO_CSV.open(encoding="utf-8-sig", newline="") as stream:
        # The demo's agreements are public figures (the seed report's), so open data shows them.
        result = import_agreements(
            stream, owner=officer, source="demo", only_new=True, publishable=True
        )
    if not result.ok:
        raise ValueError("The demo register is invalid: " + "; ".join(result.error_lines()))
    return result
