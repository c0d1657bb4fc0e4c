"""Partners to approach, ranked by evidence, on a register where the answer is known (issue
13 item 2)."""

import pytest
from django.urls import reverse

from register.access import PARTNERSHIP_OFFICERS
from register.models import PartnershipAgreement
from register.profile import partners_like
from tests.factories import make_event
from tests.register.conftest import make_user, row, run_import

pytestmark = pytest.mark.django_db
EE = "enabling_environment"


def _register():
    run_import(
        [
            # Spread: Africa from one agreement, the area from two others; never both at once.
            row(
                reference="S1",
                partner="Spread Telecom",
                regions="AFR",
                areas="infrastructure",
                signed_on="2018-06-01",
                value="5000000",
                currency="USD",
            ),
            row(
                reference="S2",
                partner="Spread Telecom",
                regions="EUR",
                areas=EE,
                signed_on="2018-07-01",
                value="5000000",
                currency="USD",
            ),
            row(
                reference="S3",
                partner="Spread Telecom",
                regions="ASP",
                areas=EE,
                signed_on="2018-08-01",
                value="5000000",
                currency="USD",
            ),
            # Rwanda: two agreements each in Africa on enabling environment.
            row(
                reference="R1",
                partner="Rwanda",
                partner_category="member_state",
                regions="AFR",
                areas=EE,
                signed_on="2017-03-01",
                value="700000",
                currency="USD",
            ),
            row(
                reference="R2",
                partner="Rwanda",
                partner_category="member_state",
                regions="AFR;ARB",
                areas=f"{EE};infrastructure",
                signed_on="2018-02-01",
                value="500000",
                currency="USD",
            ),
            # Old: one matching agreement, long ago, terminated below.
            row(
                reference="O1",
                partner="Old Partner",
                regions="AFR",
                areas=EE,
                signed_on="2005-01-10",
                value="9000000",
                currency="CHF",
            ),
            # Recent: one matching agreement, recent and in force.
            row(
                reference="N1",
                partner="New Partner",
                regions="AFR",
                areas=EE,
                signed_on="2018-01-10",
                value="100000",
                currency="CHF",
            ),
            # Unrelated: neither the region nor the area.
            row(
                reference="U1",
                partner="Unrelated",
                regions="EUR",
                areas="cybersecurity",
                signed_on="2018-01-10",
            ),
        ]
    )
    PartnershipAgreement.objects.filter(reference="O1").update(status="terminated")


def test_agreements_matching_region_and_area_together_rank_first():
    _register()
    suggestions = partners_like(regions=["AFR"], areas=[EE], limit=10)
    names = [s.partner.name for s in suggestions]
    assert names == ["Rwanda", "New Partner", "Old Partner", "Spread Telecom"]
    rwanda, spread = suggestions[0], suggestions[-1]
    assert rwanda.matching_both == 2 and spread.matching_both == 0
    assert rwanda.reason == (
        "2 agreements in Africa on enabling environment, latest 2018, USD 1.2 M"
    )
    assert spread.reason == (
        "1 agreement in Africa and 2 agreements on enabling environment, none for both, "
        "latest 2018, USD 15 M"
    )
    assert "Unrelated" not in names


def test_recency_and_status_order_partners_with_the_same_kind_of_evidence():
    _register()
    names = [s.partner.name for s in partners_like(regions=["AFR"], areas=[EE], limit=10)]
    assert names.index("New Partner") < names.index("Old Partner")


def test_the_limit_and_exclude_are_kept():
    _register()
    rwanda = PartnershipAgreement.objects.get(reference="R1").partner_list[0]
    names = [
        s.partner.name
        for s in partners_like(regions=["AFR"], areas=[EE], exclude=[rwanda.pk], limit=2)
    ]
    assert names == ["New Partner", "Old Partner"]


def test_regions_only_rank_by_the_region():
    _register()
    suggestions = partners_like(regions=["ARB"])
    assert [s.partner.name for s in suggestions] == ["Rwanda"]
    assert suggestions[0].reason == "1 agreement in Arab States, latest 2018, USD 500 k"


def test_nothing_asked_suggests_nobody():
    _register()
    assert partners_like(regions=[], areas=[]) == []


def test_the_event_admin_shows_its_partners_to_approach(client, db):
    _register()
    event = make_event(region="AFR")
    officer = make_user("officer@example.org", PARTNERSHIP_OFFICERS, is_staff=True)
    client.force_login(officer)
    url = reverse("register_event_partners", args=[event.pk])
    response = client.get(url, {"area": EE})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("Rwanda") < text.index("Spread Telecom")
    assert "2 agreements in Africa on enabling environment, latest 2018, USD 1.2 M" in text
