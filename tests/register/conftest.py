"""Builders for the partnership register tests: CSV rows, users of each role."""

import io

import pytest
from django.contrib.auth import get_user_model

from register.access import FINANCE, PARTNERSHIP_OFFICERS, ensure_partnership_groups
from register.csvformat import COLUMNS
from register.importing import import_agreements


def row(**overrides) -> dict:
    values = {
        "reference": "AGR-1",
        "title": "Broadband for schools",
        "partner": "Example Telecom",
        "partner_category": "sector_member",
        "agreement_type": "project_document",
        "signed_on": "2017-03-01",
        "entry_into_force": "2017-03-15",
        "value": "150000.00",
        "currency": "USD",
        "contribution": "cash",
        "regions": "AFR",
        "areas": "infrastructure",
        "objective": "Connect 100 schools.",
        "amends": "",
    }
    if "signed_on" in overrides and "entry_into_force" not in overrides:
        # Entry into force before signature is refused: follow the signature unless told.
        values["entry_into_force"] = overrides["signed_on"]
    values.update(overrides)
    return values


def csv_text(rows, header=COLUMNS) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(column, "") for column in header])
    return out.getvalue()


def run_import(rows_or_text, **kwargs):
    text = rows_or_text if isinstance(rows_or_text, str) else csv_text(rows_or_text)
    return import_agreements(io.StringIO(text, newline=""), **kwargs)


def make_user(email, *groups, **fields):
    user = get_user_model().objects.create_user(
        username=email, email=email, password="pw-for-tests-123", **fields
    )
    if groups:
        named = ensure_partnership_groups()
        user.groups.add(*(named[name] for name in groups))
    return user


@pytest.fixture
def officer(db):
    return make_user("officer@example.org", PARTNERSHIP_OFFICERS, first_name="Olga")


@pytest.fixture
def finance(db):
    return make_user("money@example.org", FINANCE)


@pytest.fixture
def sponsor(db):
    return make_user("sponsor@example.com")
