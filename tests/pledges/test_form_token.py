"""A double-click on "Pledge" makes one pledge: the form carries a one-time token, the first
submission uses it up with the pledge it writes, and a second submission of the same form lands
on that pledge with a notice instead of making another (or failing)."""

import datetime
import re

import time_machine
from django.utils import timezone

from marketplace.pledges.models import Pledge, PledgeFormToken
from tests.factories import make_sponsor


def form_url(package):
    return f"/account/pledges/new/{package.pk}/"


def token_in(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def data(token, **overrides):
    values = {
        "quantity": "1",
        "payment_method": "bank_transfer",
        "accept_terms": "on",
        "terms_version": "1",
        "form_token": token,
    }
    values.update(overrides)
    return values


def test_a_double_click_makes_one_pledge_and_lands_on_it(client, sponsor, package):
    client.force_login(sponsor[0])
    token = token_in(client.get(form_url(package)).text)

    first = client.post(form_url(package), data(token))
    second = client.post(form_url(package), data(token))

    pledge = Pledge.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/account/pledges/{pledge.public_id}/"
    page = client.get(second["Location"]).text
    assert f"You had already sent this form: pledge {pledge.reference} was recorded once" in page
    assert PledgeFormToken.objects.get(token=token).pledge == pledge


def test_reloading_the_form_keeps_one_token_and_a_new_form_gets_a_new_one(client, sponsor, package):
    client.force_login(sponsor[0])
    token = token_in(client.get(form_url(package)).text)
    assert token_in(client.get(form_url(package)).text) == token
    assert PledgeFormToken.objects.count() == 1
    client.post(form_url(package), data(token))
    again = token_in(client.get(form_url(package)).text)
    assert again != token
    response = client.post(form_url(package), data(again))  # a second pledge, on purpose
    assert response.status_code == 302 and Pledge.objects.count() == 2


def test_a_refused_attempt_keeps_the_token_for_the_corrected_one(client, sponsor, package):
    client.force_login(sponsor[0])
    token = token_in(client.get(form_url(package)).text)
    refused = client.post(form_url(package), data(token, quantity="3"))  # at most 2
    assert refused.status_code == 400 and token_in(refused.text) == token
    assert client.post(form_url(package), data(token, quantity="2")).status_code == 302
    assert Pledge.objects.get().quantity == 2


def test_a_missing_foreign_or_stale_token_pledges_nothing_and_offers_a_fresh_form(
    client, sponsor, package
):
    someone_else = make_sponsor()
    client.force_login(someone_else[0])
    foreign = token_in(client.get(form_url(package)).text)
    client.force_login(sponsor[0])
    stale = token_in(client.get(form_url(package)).text)

    for token in ("", "made-up", foreign):
        response = client.post(form_url(package), data(token))
        assert response.status_code == 400
        assert "This form was out of date, so nothing was pledged" in response.text
        assert token_in(response.text) == stale  # the user's own valid token
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        response = client.post(form_url(package), data(stale))
        assert response.status_code == 400 and "out of date" in response.text
        fresh = token_in(response.text)
        assert fresh != stale
        assert client.post(form_url(package), data(fresh)).status_code == 302
    assert Pledge.objects.count() == 1
    assert not PledgeFormToken.objects.filter(token=stale).exists()  # old rows are cleared
