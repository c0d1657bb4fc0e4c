"""The sponsor portal's pledge pages: pledge from a package page, list, detail, cancel, join
the waiting list; bad input re-shows the form with the reason and creates nothing."""

import re

import pytest
from wagtail.models import Page

from marketplace.pledges.models import Pledge, WaitlistEntry
from marketplace.pledges.rules import publish_terms
from sponsors.models import Clearance
from tests.factories import make_package, make_sponsor, pledge_for


@pytest.fixture
def signed_in(client, sponsor):
    client.force_login(sponsor[0])
    return client


def form_url(package):
    return f"/account/pledges/new/{package.pk}/"


def form_token(client, package) -> str:
    """The one-time token of the pledge form, as the browser gets it with the form."""
    match = re.search(r'name="form_token" value="([^"]+)"', client.get(form_url(package)).text)
    return match.group(1) if match else ""


def post_pledge(client, package, **overrides):
    data = {
        "quantity": "2",
        "payment_method": "bank_transfer",
        "accept_terms": "on",
        "terms_version": "1",
        "form_token": form_token(client, package),
    }
    data.update(overrides)
    return client.post(form_url(package), {k: v for k, v in data.items() if v is not None})


def test_package_page_links_to_the_pledge_form(client, signed_in, package):
    html = signed_in.get(package.url).content.decode()
    assert f'href="{form_url(package)}"' in html
    client.logout()
    html = client.get(package.url).content.decode()
    assert "/accounts/login/?next=/account/pledges/new/" in html


def test_sold_out_package_page_offers_the_waiting_list(signed_in, package, other_sponsor):
    pledge_for(other_sponsor, package, quantity=2)
    pledge_for(make_sponsor(), package, quantity=1)
    html = signed_in.get(Page.objects.get(pk=package.pk).specific.url).content.decode()
    assert f'href="/account/pledges/waitlist/{package.pk}/"' in html
    assert "Join the waiting list" in html


def test_form_shows_the_current_terms(signed_in, package, event):
    publish_terms(event, "Version two of the terms.")
    response = signed_in.get(form_url(package))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version two of the terms." in html and "Terms (version 2)" in html
    assert 'name="terms_version" value="2"' in html
    assert 'max="2"' in html  # at most 2 per sponsor


def test_pledge_from_the_form_then_see_it(signed_in, package, sponsor):
    response = post_pledge(signed_in, package)
    pledge = Pledge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/account/pledges/{pledge.public_id}/"
    assert (pledge.quantity, pledge.organisation, pledge.created_by) == (2, sponsor[1], sponsor[0])

    detail = signed_in.get(response["Location"]).content.decode()
    assert pledge.reference in detail
    assert "CHF\xa010,000" in detail
    assert "Logo on website" in detail  # benefits, from the snapshot
    assert "No documents yet" in detail and "No payments yet" in detail
    assert "Pledged." in detail  # history

    listing = signed_in.get("/account/pledges/").content.decode()
    assert pledge.reference in listing and "Held" in listing
    assert "Pay CHF\xa010,000 by bank transfer" in listing  # next step: what and how


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"accept_terms": None}, "You must accept the event&#x27;s terms to pledge."),
        ({"quantity": "0"}, "Enter a whole number of at least 1."),
        ({"quantity": "-3"}, "Enter a whole number of at least 1."),
        ({"quantity": "3"}, "You can pledge at most 2 of this package."),
        ({"payment_method": "cash"}, "Select a valid choice."),
        ({"terms_version": "9"}, "The terms changed while you were reading them"),
    ],
)
def test_bad_input_reshows_the_form_with_the_reason(signed_in, package, overrides, message):
    response = post_pledge(signed_in, package, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Pledge.objects.count() == 0


def test_sold_out_between_form_and_submit(signed_in, package, other_sponsor):
    pledge_for(other_sponsor, package, quantity=2)
    response = post_pledge(signed_in, package, quantity="2")
    assert response.status_code == 400
    assert "Not enough left: only 1 of this package remain." in response.content.decode()
    assert Pledge.objects.count() == 1


def test_unknown_or_unpublished_package_is_404(signed_in, event):
    draft = make_package(event, title="Draft", live=False)
    assert signed_in.get(form_url(draft)).status_code == 404
    assert signed_in.get("/account/pledges/new/999999/").status_code == 404


def test_unfinished_onboarding_is_told_what_is_missing(client, package):
    user, _org = make_sponsor(declared=False, clearance=Clearance.PENDING)
    client.force_login(user)
    for response in (client.get(form_url(package)), post_pledge(client, package)):
        assert response.status_code == 403
        assert "Declare that your organisation" in response.content.decode()
    assert Pledge.objects.count() == 0


def test_empty_portal_list(signed_in):
    html = signed_in.get("/account/pledges/").content.decode()
    assert "No pledges yet." in html


def test_portal_list_is_paginated(signed_in, event, sponsor):
    wifi = make_package(event, title="Wi-Fi", capacity=None, max_per_sponsor=100)
    references = [pledge_for(sponsor, wifi).reference for _ in range(25)]
    first = signed_in.get("/account/pledges/").content.decode()
    second = signed_in.get("/account/pledges/?page=2").content.decode()
    assert "Page 1 of 2" in first
    on_first = {ref for ref in references if ref in first}
    on_second = {ref for ref in references if ref in second}
    assert (len(on_first), len(on_second)) == (20, 5)
    assert on_first | on_second == set(references)


def test_cancel_a_held_pledge_after_confirming(signed_in, package, sponsor):
    pledge = pledge_for(sponsor, package)
    confirm = signed_in.get(f"/account/pledges/{pledge.public_id}/cancel/")
    assert "Yes, cancel the pledge" in confirm.content.decode()
    assert Pledge.objects.get(pk=pledge.pk).status == "held"  # GET changes nothing
    response = signed_in.post(f"/account/pledges/{pledge.public_id}/cancel/", follow=True)
    assert Pledge.objects.get(pk=pledge.pk).status == "cancelled"
    assert f"Pledge {pledge.reference} is cancelled." in response.content.decode()


def test_join_the_waiting_list_from_its_page(signed_in, package, other_sponsor):
    pledge_for(other_sponsor, package, quantity=2)
    pledge_for(make_sponsor(), package, quantity=1)
    response = signed_in.post(
        f"/account/pledges/waitlist/{package.pk}/",
        {"quantity": "1", "payment_method": "card", "accept_terms": "on", "terms_version": "1"},
        follow=True,
    )
    assert WaitlistEntry.objects.get().status == "waiting"
    assert "Waiting, number 1 in line" in response.content.decode()
