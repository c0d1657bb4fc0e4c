"""`manage.py create_sponsor` and the demo sponsor organisation."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.demo.sponsors import ensure_demo_organisation
from cms.demo.users import ensure_demo_users
from sponsors.membership import active_organisation, onboarding_missing
from sponsors.models import MemberRole, Membership, Organisation
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_sponsor", *args, stdout=out)
    return out.getvalue()


def test_it_makes_an_account_ready_to_pledge_that_can_sign_in(client):
    output = run(
        "cfo@initech.example", "--organisation", "Initech", "--password", "s3cure-Passphrase"
    )
    user = get_user_model().objects.get(email="cfo@initech.example")
    organisation = Organisation.objects.get()
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.get(user=user).role == MemberRole.ADMIN
    assert organisation.display_name == "Initech" and organisation.category == "private_sector"
    assert organisation.has_declared and organisation.is_cleared
    assert organisation.clearance_decisions.count() == 1
    assert onboarding_missing(user, active_organisation(user)) == []
    assert "Password" not in output
    response = client.post(
        reverse("account_login"), {"login": "cfo@initech.example", "password": "s3cure-Passphrase"}
    )
    assert response["Location"] == reverse("sponsors:dashboard")


def test_a_generated_password_is_printed_and_works():
    output = run("bot@load.example", "--organisation", "Load Test", "--category", "ngo")
    password = output.split("Password (generated): ")[1].strip()
    user = get_user_model().objects.get(email="bot@load.example")
    assert user.check_password(password)
    assert Organisation.objects.get().category == "ngo"


def test_an_existing_email_is_refused_and_nothing_changes():
    make_user("taken@example.com")
    with pytest.raises(CommandError, match="already exists; nothing was changed"):
        run("TAKEN@example.com", "--organisation", "Dup")
    assert not Organisation.objects.exists()
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["not-an-email", "--organisation", "X"], "not a valid email"),
        (["a@b.example", "--organisation", "  "], "needs a name"),
        (["a@b.example", "--organisation", "X", "--password", "123"], "password is refused"),
        (["a@b.example", "--organisation", "X", "--country", "ZZ"], "Unknown country"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not get_user_model().objects.exists()


def test_the_command_exits_non_zero_on_refusal(capsys):
    make_user("taken@example.com")
    from django.core.management import ManagementUtility

    utility = ManagementUtility(
        ["manage.py", "create_sponsor", "taken@example.com", "--organisation", "X"]
    )
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0
    assert "already exists" in capsys.readouterr().err


def test_the_demo_sponsor_gets_acme_once(tree):
    users = ensure_demo_users("demo-password-for-tests")
    first = ensure_demo_organisation(users)
    again = ensure_demo_organisation(ensure_demo_users("demo-password-for-tests"))
    assert first == again and Organisation.objects.count() == 1
    assert first.legal_name == "Acme Connectivity Ltd" and first.is_cleared
    assert first.contact_for("finance").role == "finance"
    assert first.contact_for("signatory").role == "signatory"
    sponsor = users["sponsor@example.org"]
    assert onboarding_missing(sponsor, active_organisation(sponsor)) == []
    roles = dict(first.memberships.values_list("user__email", "role"))
    assert roles == {
        "sponsor@example.org": "admin",
        "signatory@example.org": "signatory",
        "member@example.org": "member",
    }
