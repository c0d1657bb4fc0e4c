"""The event page's sponsor wall: delivered "logo on website" benefits, grouped by package
category in catalogue order, with the supplied logo, else the organisation's, else the name."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from events.choices import BenefitKind, PackageCategory
from marketplace.fulfilment import services
from marketplace.fulfilment.wall import sponsor_wall
from marketplace.pledges.models import Pledge
from tests.factories import make_package, make_sponsor
from tests.fulfilment.conftest import paid_pledge_with_tasks
from tests.fulfilment.images import png


@pytest.fixture
def dinner(event):
    return make_package(
        event,
        title="Networking dinner",
        slug="dinner",
        category=PackageCategory.SOCIAL_EVENT,
        price="15000.00",
        capacity=2,
        benefits=[(BenefitKind.LOGO_WEBSITE, 1, 20)],
    )


def deliver_logo(user_org, package, organiser, *, upload=None):
    pledge, tasks = paid_pledge_with_tasks(user_org, package)
    task = next(t for t in tasks if t.kind == BenefitKind.LOGO_WEBSITE)
    if upload is not None:
        services.submit_asset(task, user=user_org[0], upload=upload)
    services.start(task, actor=organiser)
    services.deliver(task, actor=organiser, proof_url="https://example.org/gsr/sponsors")
    return pledge, task


def test_the_wall_groups_delivered_logos_by_category_in_catalogue_order(
    event, package, dinner, organiser
):
    zephyr = make_sponsor(name="Zephyr Telecom")
    acme = make_sponsor(name="Acme")
    orbit = make_sponsor(name="Orbit")
    orbit[1].logo.save("orbit.png", ContentFile(png().read()))
    borealis = make_sponsor(name="Borealis")

    deliver_logo(orbit, dinner, organiser)  # social event, organisation's logo
    deliver_logo(zephyr, package, organiser)  # headline, no logo at all: the name
    _, acme_task = deliver_logo(acme, package, organiser, upload=png())  # headline, supplied
    paid_pledge_with_tasks(borealis, package)  # paid, logo not delivered: not on the wall

    groups = sponsor_wall(event)
    assert [(label, [s.name for s in sponsors]) for label, sponsors in groups] == [
        ("Headline tier", ["Acme", "Zephyr Telecom"]),
        ("Social event", ["Orbit"]),
    ]
    acme_task.refresh_from_db()
    orbit[1].refresh_from_db()
    headline, social = groups[0][1], groups[1][1]
    assert headline[0].logo_url == acme_task.asset_logo.url
    assert headline[1].logo_url == ""
    assert social[0].logo_url == orbit[1].logo.url


def test_a_sponsor_appears_once_per_category_and_a_refund_takes_it_off(event, package, organiser):
    acme = make_sponsor(name="Acme")
    first, _ = deliver_logo(acme, package, organiser)
    deliver_logo(acme, package, organiser, upload=png())
    [(label, sponsors)] = sponsor_wall(event)
    assert [s.name for s in sponsors] == ["Acme"]
    assert sponsors[0].logo_url  # the supplied logo wins over none

    Pledge.objects.filter(organisation=acme[1]).update(status="refunded")
    assert sponsor_wall(event) == []


def test_the_event_page_shows_the_wall(client, event, package, organiser, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    _, task = deliver_logo(make_sponsor(name="Acme"), package, organiser, upload=png())
    task.refresh_from_db()
    html = client.get(event.url).content.decode()
    assert '<h2 id="sponsor-wall-heading">Our sponsors</h2>' in html
    assert f'<img src="{task.asset_logo.url}" alt="Acme" loading="lazy">' in html


def test_an_event_without_delivered_logos_has_no_wall(client, event, package, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0
    assert "sponsor-wall" not in client.get(event.url).content.decode()


def test_anonymous_visitors_see_a_new_logo_once_the_page_cache_expires(
    client, event, package, organiser, settings
):
    settings.AVAILABILITY_CACHE_SECONDS = 5
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert "sponsor-wall" not in client.get(event.url).content.decode()
        deliver_logo(make_sponsor(name="Acme"), package, organiser)
        assert "sponsor-wall" not in client.get(event.url).content.decode()  # cached copy
    with time_machine.travel(start + datetime.timedelta(seconds=6), tick=False):
        assert "sponsor-wall" in client.get(event.url).content.decode()


def test_the_wall_is_ordered_by_tier_rank_with_optional_category_headings(
    event, package, dinner, organiser
):
    # The dinner is made the top tier: its sponsor now comes before the headline package's.
    dinner.tier_rank = 1
    dinner.save_revision().publish()
    package.tier_rank = 2
    package.save_revision().publish()
    deliver_logo(make_sponsor(name="Orbit"), dinner, organiser)
    deliver_logo(make_sponsor(name="Acme"), package, organiser)
    assert [(label, [s.name for s in sponsors]) for label, sponsors in sponsor_wall(event)] == [
        ("Social event", ["Orbit"]),
        ("Headline tier", ["Acme"]),
    ]
    event.sponsor_wall_headings = False
    assert [(label, [s.name for s in sponsors]) for label, sponsors in sponsor_wall(event)] == [
        ("", ["Orbit"]),
        ("", ["Acme"]),
    ]
