"""The sponsor signs in the portal: members of the organisation only, the document they read
must be the current version, and the record keeps who, when, where from and what."""

import pytest

from marketplace.agreements.models import Agreement, Signature
from marketplace.agreements.services import issue_new_version
from tests.agreements.conftest import ORGANISER_EMAIL, agreement_mails, sign_data

UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


def url(agreement, suffix=""):
    return f"/account/agreements/{agreement.public_id}/{suffix}"


def test_a_member_reads_the_agreement_and_downloads_its_pdf(sent_agreement, sponsor, client):
    client.force_login(sponsor[0])
    page = client.get(url(sent_agreement))
    assert page.status_code == 200
    html = page.content.decode()
    assert sent_agreement.number in html and "fifty thousand Swiss francs" in html
    assert "Sign the agreement" in html and sent_agreement.sha256 in html
    pdf = client.get(url(sent_agreement, "agreement.pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf) == sent_agreement.pdf.open("rb").read()
    assert "private" in pdf["Cache-Control"]


@pytest.mark.parametrize("suffix", ["", "agreement.pdf"])
def test_someone_from_another_organisation_gets_404(sent_agreement, other_sponsor, client, suffix):
    client.force_login(other_sponsor[0])
    assert client.get(url(sent_agreement, suffix)).status_code == 404
    response = client.post(url(sent_agreement), sign_data(sent_agreement))
    assert response.status_code == 404
    assert not Signature.objects.exists()


def test_signing_anonymously_asks_to_sign_in(sent_agreement, client):
    response = client.get(url(sent_agreement))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signing_records_name_title_time_ip_browser_and_hash(
    sent_agreement, sponsor, client, on_commit, mailoutbox
):
    client.force_login(sponsor[0])
    with on_commit():
        response = client.post(
            url(sent_agreement),
            sign_data(sent_agreement, full_name="  Ada   Lovelace "),
            REMOTE_ADDR="203.0.113.7",
            HTTP_USER_AGENT=UA,
            HTTP_X_FORWARDED_FOR="198.51.100.1",  # no trusted proxy: ignored
        )
    assert response.status_code == 302
    agreement = Agreement.objects.get(pk=sent_agreement.pk)
    assert agreement.status == "signed_by_sponsor" and agreement.sponsor_signed_at is not None
    signature = Signature.objects.get()
    assert (signature.side, signature.full_name, signature.title) == (
        "sponsor",
        "Ada Lovelace",
        "Chief Executive",
    )
    assert signature.ip_address == "203.0.113.7"
    assert signature.user_agent == UA
    assert signature.document_sha256 == agreement.sha256
    assert signature.user == sponsor[0]
    assert signature.signed_at == agreement.sponsor_signed_at
    last = agreement.history.last()
    assert (last.from_state, last.to_state, last.actor) == ("sent", "signed_by_sponsor", sponsor[0])
    assert "Ada Lovelace, Chief Executive" in last.reason
    [mail] = agreement_mails(mailoutbox, "countersign")
    assert mail.to == [ORGANISER_EMAIL]
    assert f"/admin/agreements/inspect/{agreement.pk}/" in mail.body


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_recorded(
    sent_agreement, sponsor, client, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(sponsor[0])
    client.post(
        url(sent_agreement),
        sign_data(sent_agreement),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23",  # a client-forged entry, then the proxy's
    )
    assert Signature.objects.get().ip_address == "198.51.100.23"


def test_a_hash_that_is_not_the_current_versions_is_refused(sent_agreement, sponsor, client):
    client.force_login(sponsor[0])
    response = client.post(url(sent_agreement), sign_data(sent_agreement, document_sha256="0" * 64))
    assert response.status_code == 400
    assert "not the current version" in response.content.decode()
    assert not Signature.objects.exists()
    assert Agreement.objects.get(pk=sent_agreement.pk).status == "sent"


@pytest.mark.parametrize(
    "field, overrides, message",
    [
        ("full_name", {"full_name": "  "}, "Type your full name."),
        ("title", {"title": None}, "Type your title"),
        ("confirm", {"confirm": None}, "Confirm that you sign on behalf of the organisation."),
    ],
)
def test_missing_input_is_named_and_nothing_is_signed(
    sent_agreement, sponsor, client, field, overrides, message
):
    client.force_login(sponsor[0])
    response = client.post(url(sent_agreement), sign_data(sent_agreement, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and f'id="{field}-errors"' in html
    assert not Signature.objects.exists()


def test_a_replaced_version_cannot_be_signed_and_points_to_the_current_one(
    sent_agreement, sponsor, client, on_commit
):
    with on_commit():
        issue_new_version(sent_agreement, actor=None, reason="Address corrected.")
    client.force_login(sponsor[0])
    response = client.post(url(sent_agreement), sign_data(sent_agreement))
    assert response.status_code == 400
    html = response.content.decode()
    current = Agreement.objects.get(version=2)
    assert "was replaced by a new version" in html
    assert "This version is void" in html and url(current) in html
    assert "Sign the agreement</button>" not in html
    assert not Signature.objects.exists()


def test_signing_twice_is_refused(sent_agreement, sponsor):
    from marketplace.agreements.errors import AgreementError
    from marketplace.agreements.signing import sign_as_sponsor

    kwargs = {
        "user": sponsor[0],
        "full_name": "Ada Lovelace",
        "title": "CEO",
        "confirmed": True,
        "document_sha256": sent_agreement.sha256,
        "ip_address": "127.0.0.1",
    }
    sign_as_sponsor(sent_agreement, **kwargs)
    with pytest.raises(AgreementError, match="nothing to sign"):
        sign_as_sponsor(sent_agreement, **kwargs)
    assert Signature.objects.count() == 1


def test_the_service_refuses_a_non_member_even_without_the_view(sent_agreement, other_sponsor):
    from marketplace.agreements.errors import AgreementError
    from marketplace.agreements.signing import sign_as_sponsor

    with pytest.raises(AgreementError, match="Only members"):
        sign_as_sponsor(
            sent_agreement,
            user=other_sponsor[0],
            full_name="Mallory",
            title="CEO",
            confirmed=True,
            document_sha256=sent_agreement.sha256,
            ip_address=None,
        )
    assert not Signature.objects.exists()
