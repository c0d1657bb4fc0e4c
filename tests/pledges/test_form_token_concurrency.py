"""Two POSTs of the same pledge form at the same instant (a double-click reaching two server
threads), against a live server on PostgreSQL: one pledge, and both answers lead to it. With
the token check switched off (monkeypatched) the same two POSTs make two pledges, so the test
can fail."""

import re
import threading

import pytest
import requests
from django.test import Client

from marketplace.pledges import services, submission
from marketplace.pledges.models import Pledge
from tests.factories import make_event, make_package, make_sponsor, make_terms, site_tree

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def pledge_form(live_server, transactional_db):
    """A signed-in sponsor's browser session (cookies) and the pledge form's fields."""
    event = make_event(site_tree()[1])
    make_terms(event)
    package = make_package(event, title="Coffee break", capacity=5, max_per_sponsor=3)
    user, _organisation = make_sponsor()
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    url = f"{live_server.url}/account/pledges/new/{package.pk}/"
    html = session.get(url, timeout=30).text
    fields = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1],
        "form_token": re.search(r'name="form_token" value="([^"]+)"', html)[1],
        "quantity": "1",
        "payment_method": "bank_transfer",
        "accept_terms": "on",
        "terms_version": "1",
    }
    return session, url, fields


def post_twice_at_once(session, url, fields) -> list:
    barrier = threading.Barrier(2)
    answers = [None, None]
    cookies = session.cookies.get_dict()

    def click(index):
        with requests.Session() as browser:  # each click on its own connection
            browser.cookies.update(cookies)
            barrier.wait(timeout=30)
            answers[index] = browser.post(
                url, data=fields, headers={"Referer": url}, allow_redirects=False, timeout=60
            )

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert all(answers), "a click got no answer"
    return answers


def test_two_simultaneous_posts_of_one_form_make_one_pledge(pledge_form):
    session, url, fields = pledge_form
    answers = post_twice_at_once(session, url, fields)

    pledge = Pledge.objects.get()
    assert [a.status_code for a in answers] == [302, 302]
    assert {a.headers["Location"] for a in answers} == {f"/account/pledges/{pledge.public_id}/"}


def test_without_the_token_check_the_same_posts_make_two(pledge_form, monkeypatch):
    """The control: proves the test above would catch a missing token."""
    monkeypatch.setattr(services, "claim_form_token", lambda *args: None)
    monkeypatch.setattr(submission, "used_form_token", lambda *args: None)
    session, url, fields = pledge_form
    answers = post_twice_at_once(session, url, fields)

    assert [a.status_code for a in answers] == [302, 302]
    assert Pledge.objects.count() == 2
