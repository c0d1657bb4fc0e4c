"""The KPIs read the register's narrow derived rows (`AgreementFacet` with the status and
business owner, `PartnerFacet`): on the hand-made register they select exactly the agreements
the definitions name, and a write through the register moves the figures at once."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from register.choices import AreaOfAction, Region
from register.pipeline import kpis
from register.pipeline.kpis import Scope
from tests.pipeline.test_kpis import register  # noqa: F401 (the hand-made register fixture)
from tests.register.test_admin import form

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_facet_rows_select_the_agreements_the_definition_names(register, owner, other_owner):  # noqa: F811
    scopes = [Scope(), Scope(owner=owner), Scope(owner=other_owner)]
    scopes += [Scope(area=code) for code in AreaOfAction.values]
    scopes += [Scope(region=code) for code in Region.values]
    for year in (2023, 2025, 2026):
        for scope in scopes:
            by_definition = set(kpis.signed_agreements(year, scope).values_list("pk", flat=True))
            from_facets = set(kpis.signed_facets(year, scope).values_list("pk", flat=True))
            assert from_facets == by_definition, (year, scope)


def test_an_admin_edit_moves_the_owners_figures_at_once(client, register, owner, other_owner):  # noqa: F811
    """A2 (CHF 50,000 cash, Carl's) is given to Bea and made a draft in two admin edits: her
    figures gain it, then the bureau's lose it; nothing waits for a rebuild."""
    bea, carl = Scope(owner=owner), Scope(owner=other_owner)
    assert kpis.value_mobilised(2025, bea)["cash"] == {"USD": D("105000.00")}
    assert kpis.value_mobilised(2025, carl)["cash"] == {"CHF": D("100000.00")}
    assert kpis.new_partners(2025, carl) == 1  # Rwanda

    a2 = register["A2"]
    owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    url = reverse("wagtailsnippets_register_agreement:edit", args=[a2.pk])

    def edit(**changes):
        data = form(
            a2.partner_list[0],
            reference="A2",
            title=a2.title,
            agreement_type="project_document",
            partner_category="member_state",
            signed_on="2025-05-10",
            entry_into_force="2025-05-10",
            value="50000.00",
            currency="CHF",
            contribution="cash",
            regions=["AFR", "EUR"],
            areas=["enabling_environment"],
            objective="",
            signatories=inline_formset([]),
            **changes,
        )
        data["partner_links-0-id"] = str(a2.partner_links.get().pk)
        data["partner_links-INITIAL_FORMS"] = "1"
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors

    edit(business_owner=str(owner.pk))
    assert kpis.value_mobilised(2025, bea)["cash"] == {"CHF": D("50000.00"), "USD": D("105000.00")}
    assert kpis.value_mobilised(2025, carl)["cash"] == {"CHF": D("50000.00")}  # the pledge
    assert kpis.new_partners(2025, carl) == 0 and kpis.new_partners(2025, bea) == 3

    edit(business_owner=str(owner.pk), status="draft")
    assert kpis.value_mobilised(2025)["cash"] == {"CHF": D("50000.00"), "USD": D("105000.00")}
    assert kpis.new_agreements(2025) == 2 and kpis.new_partners(2025) == 2
    assert kpis.co_financing(2025)[0].currency == "USD"  # A2's CHF co-financing left with it
