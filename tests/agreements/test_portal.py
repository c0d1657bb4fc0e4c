"""The agreement in the sponsor's portal: the pledge page's section and the dashboard's
"agreement to sign"."""

from marketplace.agreements.models import AgreementPolicy, IssueOn


def test_the_pledge_page_links_the_agreement_and_its_state(sent_agreement, sponsor, client):
    client.force_login(sponsor[0])
    html = client.get(f"/account/pledges/{sent_agreement.pledge.public_id}/").content.decode()
    assert 'id="agreement-heading"' in html
    assert f"/account/agreements/{sent_agreement.public_id}/" in html
    assert 'data-agreement-state="sent"' in html and "Read and sign the agreement" in html
    assert f"/account/agreements/{sent_agreement.public_id}/agreement.pdf" in html


def test_before_the_agreement_the_pledge_page_says_when_it_comes(pledge, sponsor, client, event):
    client.force_login(sponsor[0])
    url = f"/account/pledges/{pledge.public_id}/"
    assert "issued when the pledge is paid" in client.get(url).content.decode()
    AgreementPolicy.objects.create(event=event, issue_on=IssueOn.APPROVAL)
    assert "when the organisers approve the pledge" in client.get(url).content.decode()


def test_the_dashboard_lists_agreements_to_sign_until_signed(sent_agreement, sponsor, client):
    client.force_login(sponsor[0])
    html = client.get("/account/").content.decode()
    assert f"Sign agreement {sent_agreement.number}" in html
    assert f'href="/account/agreements/{sent_agreement.public_id}/"' in html
    from marketplace.agreements.signing import sign_as_sponsor

    sign_as_sponsor(
        sent_agreement,
        user=sponsor[0],
        full_name="Ada Lovelace",
        title="CEO",
        confirmed=True,
        document_sha256=sent_agreement.sha256,
        ip_address=None,
    )
    html = client.get("/account/").content.decode()
    assert f"Sign agreement {sent_agreement.number}" not in html
    # signed by the sponsor: the countersignature waits on the organisers, not on them
    pledge_page = client.get(f"/account/pledges/{sent_agreement.pledge.public_id}/")
    assert "The organisers countersign agreement" in pledge_page.content.decode()


def test_other_organisations_see_nothing_of_it(sent_agreement, other_sponsor, client):
    client.force_login(other_sponsor[0])
    assert sent_agreement.number not in client.get("/account/").content.decode()
    assert client.get(f"/account/pledges/{sent_agreement.pledge.public_id}/").status_code == 404
