"""The demo catalogue and users: realistic, and loading twice changes nothing."""

from decimal import Decimal
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision

from events.editorial import APPROVERS, ORGANISERS
from events.models import EventPage, PackageBenefit, SponsorshipPackagePage


def _snapshot():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        PackageBenefit.objects.count(),
        get_user_model().objects.count(),
        sorted(SponsorshipPackagePage.objects.values_list("pk", "price", "capacity")),
    )


def test_load_demo_builds_a_realistic_catalogue_and_is_idempotent(db, settings):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Demo catalogue created: GSR-26, ITU-D SG1, ITU-D SG2, RERF-AFR." in out.getvalue()

    events = {e.acronym: e for e in EventPage.objects.live()}
    assert set(events) == {"GSR-26", "ITU-D SG1", "ITU-D SG2", "RERF-AFR"}
    for event in events.values():
        count = SponsorshipPackagePage.objects.child_of(event).live().count()
        assert 8 <= count <= 15, (event.acronym, count)

    gsr = events["GSR-26"]
    fellowships = SponsorshipPackagePage.objects.child_of(gsr).get(slug="fellowships")
    assert (fellowships.price, fellowships.capacity, fellowships.max_per_sponsor) == (
        Decimal("4000.00"),
        20,
        10,
    )
    assert SponsorshipPackagePage.objects.child_of(gsr).get(slug="networking-dinner").capacity == 1
    assert SponsorshipPackagePage.objects.child_of(gsr).get(slug="coffee-break").capacity == 4
    assert SponsorshipPackagePage.objects.child_of(gsr).get(slug="lunch").capacity == 2
    titles = set(SponsorshipPackagePage.objects.child_of(gsr).values_list("title", flat=True))
    assert {
        "Platinum partner",
        "Gold partner",
        "Silver partner",
        "Lanyards",
        "Conference Wi-Fi",
        "Side-event room",
    } <= titles

    users = get_user_model().objects
    for email in ("organiser@", "approver@", "finance@", "sponsor@"):
        user = users.get(email=f"{email}example.org")
        assert user.check_password(settings.DEMO_PASSWORD)
    assert users.get(email="organiser@example.org").groups.filter(name=ORGANISERS).exists()
    assert users.get(email="approver@example.org").groups.filter(name=APPROVERS).exists()

    # Two event scopes: Olivia organises every demo event, Omar the regional forum only.
    from events.scope import events_for

    olivia = users.get(email="organiser@example.org")
    omar = users.get(email="forum.organiser@example.org")
    assert omar.check_password(settings.DEMO_PASSWORD)
    assert set(events_for(olivia).values_list("acronym", flat=True)) == set(events)
    assert list(events_for(omar).values_list("acronym", flat=True)) == ["RERF-AFR"]
    # The published revision lists the team, so the next publish from the editor keeps it.
    forum = events["RERF-AFR"]
    assert {o.user_id for o in forum.get_latest_revision_as_object().organisers.all()} == {
        olivia.pk,
        omar.pk,
    }

    before = _snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert _snapshot() == before


def test_demo_home_page_serves_the_catalogue(client, db):
    call_command("load_demo", stdout=StringIO())
    html = client.get("/").content.decode()
    assert "Global Symposium for Regulators" in html
    assert "Platinum partner" in html
    assert "Exclusive" in client.get("/events/gsr-26/").content.decode()
