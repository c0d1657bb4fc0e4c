"""The declared step lists a newcomer reads in one place: what `ensure_roles` runs, in order,
and what follows an executed agreement. Each app fills them in; the lower layer imports none."""

from django.utils.module_loading import autodiscover_modules

from marketplace.agreements.hooks import AGREEMENT_EXECUTED
from marketplace.core.roles import ROLE_STEPS


def test_every_app_grants_its_roles_in_a_known_order():
    autodiscover_modules("permissions")
    assert [name.split(":")[0] for _order, name in ROLE_STEPS.describe()] == [
        "events",
        "finance",
        "sponsors",
        "sponsors",
        "pledges",
        "agreements",
        "fulfilment",
        "events",
        "register",
        "pipeline",
        "privacy",
        "worker",
    ]


def test_an_executed_agreement_is_entered_in_the_register():
    assert AGREEMENT_EXECUTED.describe() == [(10, "enter it in the partnership register")]
