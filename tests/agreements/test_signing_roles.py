"""Only a signatory or an administrator binds the organisation: a plain member (or finance)
reads the agreement but is refused the signature, with a message naming the role needed and
who holds it; the signing page says who may sign."""

import pytest

from marketplace.agreements.errors import AgreementError
from marketplace.agreements.models import Agreement, Signature
from marketplace.agreements.signing import sign_as_sponsor
from sponsors.models import MemberRole, Membership
from tests.agreements.conftest import sign_data
from tests.factories import make_user


def url(agreement):
    return f"/account/agreements/{agreement.public_id}/"


def teammate(sponsor, role, email="pat@acme.example", **names):
    user = make_user(email, **names)
    Membership.objects.create(user=user, organisation=sponsor[1], role=role)
    return user


@pytest.fixture
def admin_named(sponsor):
    admin = sponsor[0]
    admin.first_name, admin.last_name = "Grace", "Hopper"
    admin.save()
    return admin


@pytest.mark.parametrize("role", [MemberRole.MEMBER, "finance"])
def test_a_plain_member_cannot_sign_the_binding_agreement(
    sent_agreement, sponsor, admin_named, client, role
):
    client.force_login(teammate(sponsor, role))
    response = client.post(url(sent_agreement), sign_data(sent_agreement))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Signing an agreement needs the Signatory or Administrator role" in html
    assert "Grace Hopper" in html  # who holds it
    assert not Signature.objects.exists()
    assert Agreement.objects.get(pk=sent_agreement.pk).status == "sent"


def test_the_service_refuses_a_plain_members_signature_too(sent_agreement, sponsor):
    with pytest.raises(AgreementError, match="Signatory or Administrator"):
        sign_as_sponsor(
            sent_agreement,
            user=teammate(sponsor, MemberRole.MEMBER),
            full_name="Pat Member",
            title="Intern",
            confirmed=True,
            document_sha256=sent_agreement.sha256,
            ip_address=None,
        )
    assert not Signature.objects.exists()


def test_a_member_reads_the_agreement_and_is_told_who_may_sign(
    sent_agreement, sponsor, admin_named, client
):
    teammate(sponsor, "signatory", "cfo@acme.example", first_name="Carl", last_name="Friedrich")
    client.force_login(teammate(sponsor, MemberRole.MEMBER))
    response = client.get(url(sent_agreement))

    assert response.status_code == 200
    html = response.content.decode()
    assert sent_agreement.number in html
    assert 'name="full_name"' not in html  # no signing form for them
    assert "Who may sign" in html
    assert "Grace Hopper" in html and "Carl Friedrich" in html
    assert "You cannot sign this agreement" in html


def test_a_signatory_signs(sent_agreement, sponsor, client):
    signatory = teammate(sponsor, "signatory", "cfo@acme.example")
    client.force_login(signatory)
    assert 'name="full_name"' in client.get(url(sent_agreement)).content.decode()
    response = client.post(url(sent_agreement), sign_data(sent_agreement))
    assert response.status_code == 302
    assert Signature.objects.get().user == signatory
    assert Agreement.objects.get(pk=sent_agreement.pk).status == "signed_by_sponsor"
