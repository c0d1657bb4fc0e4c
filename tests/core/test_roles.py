"""A deployment gets working staff roles without the demo data."""

from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command


def _perms(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_ensure_roles_creates_every_group_with_its_permissions_idempotently(db):
    out = StringIO()
    call_command("ensure_roles", stdout=out)
    assert "Event organisers" in out.getvalue()
    organisers = _perms("Event organisers")
    assert {"view_pledge", "view_organisation", "view_agreement", "view_benefittask"} <= organisers
    # Separated duties: deciding, clearing, countersigning and reissuing are the approvers'.
    approver_only = {
        "decide_pledge",
        "decide_clearance",
        "countersign_agreement",
        "reissue_agreement",
        "act_on_all_events",
    }
    assert not approver_only & organisers
    assert approver_only <= _perms("Sponsorship approvers")
    assert "retry_failedtask" not in organisers
    finance = _perms("Finance")
    assert "retry_failedtask" in finance
    # Mail bodies are for Support only (sign-in mail is scrubbed, other mail is personal).
    assert "view_maillog" in _perms("Support")
    assert not {"view_maillog"} & (organisers | finance | _perms("Sponsorship approvers"))
    assert "decide_pledge" not in finance
    assert "act_on_all_events" in finance  # finance reconciles every event's money
    assert Group.objects.filter(name="Partnership officers").exists()
    before = {g.name: _perms(g.name) for g in Group.objects.all()}
    call_command("ensure_roles", stdout=StringIO())
    assert {g.name: _perms(g.name) for g in Group.objects.all()} == before


def test_ensure_roles_takes_the_decisions_from_organisers_of_an_older_deployment(db):
    from django.contrib.auth.models import Permission

    call_command("ensure_roles", stdout=StringIO())
    organisers = Group.objects.get(name="Event organisers")
    # As every deployment before separated duties had it:
    organisers.permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "decide_pledge",
                "decide_clearance",
                "countersign_agreement",
                "reissue_agreement",
            ]
        )
    )
    call_command("ensure_roles", stdout=StringIO())
    assert not {
        "decide_pledge",
        "decide_clearance",
        "countersign_agreement",
        "reissue_agreement",
    } & _perms("Event organisers")
