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
    assert {"decide_pledge", "view_organisation", "decide_clearance"} <= organisers
    assert "retry_failedtask" not in organisers
    finance = _perms("Finance")
    assert "retry_failedtask" in finance
    # Mail bodies are for Support only (sign-in mail is scrubbed, other mail is personal).
    assert "view_maillog" in _perms("Support")
    assert not {"view_maillog"} & (organisers | finance | _perms("Sponsorship approvers"))
    assert "decide_pledge" not in finance
    assert Group.objects.filter(name="Partnership officers").exists()
    before = {g.name: _perms(g.name) for g in Group.objects.all()}
    call_command("ensure_roles", stdout=StringIO())
    assert {g.name: _perms(g.name) for g in Group.objects.all()} == before
