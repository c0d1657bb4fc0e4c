"""The narrow `PartnerFacet` rows (one per agreement and partner) that "partners to approach"
and the KPIs' new partners read stay in step with every write to the register: the import
(new and `--update`), the admin's create, edit and delete, and the marketplace's entry."""

import datetime
import importlib

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from register import facets, services
from register.facets import AREA_BITS, REGION_BITS, mask_of
from register.models import Partner, PartnerFacet, PartnershipAgreement
from register.profile import partners_like
from tests.factories import make_sponsor
from tests.register.conftest import row, run_import
from tests.register.test_admin import form

pytestmark = pytest.mark.django_db
EE = "enabling_environment"


def stored() -> set[tuple]:
    return set(
        PartnerFacet.objects.values_list(
            "agreement__reference",
            "partner__name",
            "year",
            "status",
            "agreement_type",
            "value",
            "currency",
            "region_mask",
            "area_mask",
            "weight",
        )
    )


def expected() -> set[tuple]:
    """What the rows must say, worked out from the agreements themselves."""
    rows = set()
    for agreement in PartnershipAgreement.objects.prefetch_related(
        "partner_links__partner", "region_links", "area_links"
    ):
        for partner in agreement.partner_list:
            rows.add(
                (
                    agreement.reference,
                    partner.name,
                    agreement.signed_on.year if agreement.signed_on else None,
                    agreement.status,
                    agreement.agreement_type,
                    agreement.value,
                    agreement.currency,
                    mask_of(agreement.region_codes, REGION_BITS),
                    mask_of(agreement.area_codes, AREA_BITS),
                    facets.evidence_weight(agreement.status, agreement.value),
                )
            )
    return rows


def test_the_import_writes_one_row_per_agreement_and_partner():
    result = run_import(
        [
            row(reference="P1", partner="Alpha;Beta", regions="AFR;ARB", areas=EE),
            row(reference="P2", partner="Beta", signed_on="2019-05-01", value="", currency="",
                contribution="none"),
        ]
    )  # fmt: skip
    assert result.ok, result.errors
    assert stored() == expected()
    assert PartnerFacet.objects.count() == 3
    beta = PartnerFacet.objects.get(agreement__reference="P1", partner__name="Beta")
    assert beta.region_mask == REGION_BITS["AFR"] | REGION_BITS["ARB"]
    assert beta.year == 2017 and beta.status == "in_force"


def test_an_update_import_rewrites_the_rows_it_changes():
    run_import([row(reference="P1", partner="Alpha;Beta", regions="AFR")])
    result = run_import(
        [row(reference="P1", partner="Gamma", regions="EUR", signed_on="2020-01-02",
             value="99", currency="CHF")],
        update=True,
    )  # fmt: skip
    assert result.ok and result.updated == 1, result.errors
    assert stored() == expected()
    assert set(PartnerFacet.objects.values_list("partner__name", "year", "value")) == {
        ("Gamma", 2020, 99)
    }


def test_admin_edits_and_deletes_keep_the_rows_in_step(client, officer):
    alpha = Partner.objects.create(name="Alpha", category="foundation")
    beta = Partner.objects.create(name="Beta", category="foundation")
    client.force_login(officer)
    response = client.post(reverse("wagtailsnippets_register_agreement:add"), form(alpha))
    assert response.status_code == 302, response.context["form"].errors
    agreement = PartnershipAgreement.objects.get(reference="ADM-1")
    assert stored() == expected() and len(stored()) == 1

    # The status, the partner and the areas change in one edit.
    data = form(beta, status="terminated", areas=[EE], value="5000", currency="USD")
    data["partner_links-0-id"] = str(agreement.partner_links.get().pk)
    data["signatories-0-id"] = str(agreement.signatories.get().pk)
    data["partner_links-INITIAL_FORMS"] = data["signatories-INITIAL_FORMS"] = "1"
    url = reverse("wagtailsnippets_register_agreement:edit", args=[agreement.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert stored() == expected()
    facet = PartnerFacet.objects.get()
    assert (facet.partner, facet.status, facet.area_mask) == (beta, "terminated", AREA_BITS[EE])

    client.post(reverse("wagtailsnippets_register_agreement:delete", args=[agreement.pk]))
    assert not PartnershipAgreement.objects.exists()
    assert not PartnerFacet.objects.exists()


def test_the_marketplace_entry_writes_its_row():
    organisation = make_sponsor(name="Orbit Networks")[1]
    services.record_sponsorship_agreement(
        reference="SPN-1",
        title="Forum sponsorship",
        organisation=organisation,
        signed_on=datetime.date(2024, 4, 1),
        regions=["ASP"],
        value=12000,
        currency="chf",
    )
    assert stored() == expected()
    assert PartnerFacet.objects.get().currency == "CHF"


def test_rebuild_writes_what_refresh_writes():
    run_import([row(reference="P1", partner="Alpha;Beta"), row(reference="P2", partner="Beta")])
    before = stored()
    PartnerFacet.objects.all().delete()
    assert facets.rebuild() == 2
    assert stored() == before == expected()


def test_the_ranking_follows_a_status_edit_at_once(client, officer):
    """Two partners with the same evidence: the one whose agreement is terminated in the admin
    drops below the other on the next request (nothing cached, nothing stale)."""
    run_import(
        [
            row(reference="E1", partner="First", regions="AFR", areas=EE, signed_on="2018-01-02"),
            row(reference="E2", partner="Second", regions="AFR", areas=EE, signed_on="2018-01-02"),
        ]
    )
    names = [s.partner.name for s in partners_like(regions=["AFR"], areas=[EE])]
    assert names == ["First", "Second"]  # a tie: the older partner id first

    agreement = PartnershipAgreement.objects.get(reference="E1")
    first = agreement.partner_list[0]
    client.force_login(officer)
    data = form(
        first,
        reference="E1",
        title=agreement.title,
        status="terminated",
        agreement_type=agreement.agreement_type,
        partner_category=agreement.partner_category,
        signed_on="2018-01-02",
        entry_into_force="2018-01-02",
        value="150000.00",
        currency="USD",
        contribution="cash",
        regions=["AFR"],
        areas=[EE],
        objective=agreement.objective,
        signatories=inline_formset([]),
    )
    data["partner_links-0-id"] = str(agreement.partner_links.get().pk)
    data["partner_links-INITIAL_FORMS"] = "1"
    url = reverse("wagtailsnippets_register_agreement:edit", args=[agreement.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    names = [s.partner.name for s in partners_like(regions=["AFR"], areas=[EE])]
    assert names == ["Second", "First"]


def test_the_migration_fills_the_weights_as_the_refresh_writes_them():
    run_import(
        [
            row(reference="W1", partner="Alpha", value="1000000.00"),
            row(reference="W2", partner="Beta", value="", currency="", contribution="none"),
        ]
    )
    PartnershipAgreement.objects.filter(reference="W2").update(status="expired")
    facets.refresh(PartnershipAgreement.objects.values_list("pk", flat=True))
    written = dict(PartnerFacet.objects.values_list("partner__name", "weight"))
    assert written == {"Alpha": pytest.approx(1.6), "Beta": pytest.approx(0.6)}
    PartnerFacet.objects.update(weight=0)
    fill = importlib.import_module("register.migrations.0008_partner_facet_weight").FILL
    with connection.cursor() as cursor:
        cursor.execute(fill)
    filled = dict(PartnerFacet.objects.values_list("partner__name", "weight"))
    assert filled == {name: pytest.approx(weight, rel=1e-12) for name, weight in written.items()}
