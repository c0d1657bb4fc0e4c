"""The demo gives every page content: opportunities in every stage, contacts, interactions,
targets; loading twice adds nothing."""

from io import StringIO

from django.core.management import call_command

from register.pipeline.models import Interaction, Opportunity, PartnerContact, Target
from register.pipeline.stages import Stage


def _counts():
    return (
        Opportunity.objects.count(),
        PartnerContact.objects.count(),
        Interaction.objects.count(),
        Target.objects.count(),
        sorted(Opportunity.objects.values_list("title", "stage")),
    )


def test_load_demo_fills_the_pipeline_once(db):
    call_command("load_demo", stdout=StringIO())
    assert set(Opportunity.objects.values_list("stage", flat=True)) == set(Stage.values)
    won = Opportunity.objects.get(stage="won")
    assert won.agreement is not None and won.history.count() == 5
    assert Opportunity.objects.get(stage="lost").lost_reason
    assert PartnerContact.objects.count() >= 2 and Interaction.objects.count() >= 2
    assert Target.objects.filter(scope="owner").exists()
    before = _counts()
    call_command("load_demo", stdout=StringIO())
    assert _counts() == before
