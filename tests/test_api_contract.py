"""The API keeps the contract its OpenAPI schema states: schemathesis generates requests from
`/api/v1/schema/` (valid and invalid ones, every operation) and sends them to a live server,
once with a sponsor's token and once with a staff token, running all of its checks: no server
error, every status code documented, every body and header as the schema says, invalid data
refused, valid data accepted, authentication not ignored, and so on. Only the response-time
check is left out: the suite never asserts a timing.

No network: the schema is read from the live server, and Stripe is the suite's fake.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.payments import stripe_gateway
from register.access import PARTNERSHIP_OFFICERS
from tests.factories import (
    make_event,
    make_package,
    make_sponsor,
    make_terms,
    make_token,
    pledge_for,
    site_tree,
)
from tests.payments.stripe_fake import FakeStripe
from tests.register.conftest import make_user, row, run_import

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = 20
SEED = 1  # the same cases on every run


def schemathesis_command() -> list[str]:
    installed = Path(sys.executable).with_name("schemathesis")
    return [str(installed) if installed.exists() else shutil.which("schemathesis") or "st"]


@pytest.fixture
def api_world(transactional_db, settings, monkeypatch, tmp_path):
    """A catalogue, a sponsor with pledges to read, cancel and pay, an officer who reads the
    register, and their tokens."""
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_API_BASE = ""
    settings.PAYMENTS_STAND_IN_ENABLED = False
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", FakeStripe())
    _home, index = site_tree()
    event = make_event(index, slug="contract-summit")
    make_terms(event)
    roomy = make_package(event, title="Lanyards", slug="lanyards", capacity=None)
    roomy.max_per_sponsor = 50
    roomy.save_revision().publish()
    make_package(event, title="Dinner", slug="dinner", capacity=1)
    sponsor = make_sponsor(name="Acme")
    for method in ("card", "bank_transfer", "card"):
        pledge_for(sponsor, roomy, payment_method=method)
    run_import([row(reference="AGR-1"), row(reference="AGR-2", regions="EUR")])
    officer = make_user("officer@example.org", PARTNERSHIP_OFFICERS, is_staff=True)
    return {"sponsor": make_token(sponsor[0]), "staff": make_token(officer)}


@pytest.mark.parametrize("who", ["sponsor", "staff"])
def test_the_api_keeps_the_contract_its_schema_states(live_server, api_world, who, tmp_path):
    report = tmp_path / "report"
    run = subprocess.run(
        [
            *schemathesis_command(),
            "--config-file",
            str(CONFIG),
            "--no-color",
            "run",
            f"{live_server.url}/api/v1/schema/?format=json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Token {api_world[who]}",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--report",
            "junit",
            "--report-dir",
            str(report),
        ],  # fmt: skip
        cwd=tmp_path,  # schemathesis keeps its cache (.schemathesis/) in the working directory
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = run.stdout[-6000:]
    assert run.returncode == 0, f"schemathesis found mismatches:\n{run.stdout[-20000:]}"
    # Every operation of the schema was tested, and cases were generated.
    assert "Tested: 12" in summary, summary
    assert " passed" in summary and " failures" not in summary, summary
