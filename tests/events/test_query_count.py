"""The event page costs the same number of queries with 5 packages as with 50."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.choices import BenefitKind
from tests.factories import make_event, make_package

BENEFITS = [(BenefitKind.LOGO_WEBSITE, 1, 30), (BenefitKind.PASSES, 3, 21)]


def _queries_for(client, url) -> int:
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_event_page_queries_do_not_grow_with_packages(client, tree, settings):
    settings.AVAILABILITY_CACHE_SECONDS = 0  # measure the real render, not the page cache
    small = make_event(tree[1], slug="small")
    large = make_event(tree[1], slug="large")
    for i in range(5):
        make_package(small, title=f"Package {i}", slug=f"p{i}", benefits=BENEFITS)
    for i in range(50):
        make_package(large, title=f"Package {i}", slug=f"p{i}", benefits=BENEFITS)
    assert _queries_for(client, small.url) == _queries_for(client, large.url)
    assert _queries_for(client, "/api/v1/events/small/") == _queries_for(
        client, "/api/v1/events/large/"
    )


def test_event_page_queries_do_not_grow_with_delivered_sponsor_logos(
    client, tree, settings, tmp_path
):
    """The sponsor wall costs one query whether it shows one logo or twelve."""
    from marketplace.fulfilment import services
    from tests.factories import make_sponsor, make_terms
    from tests.fulfilment.conftest import paid_pledge_with_tasks

    settings.AVAILABILITY_CACHE_SECONDS = 0
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    organiser = make_sponsor(name="Organiser")[0]
    counts = {}
    for slug, sponsors in (("few", 1), ("many", 12)):
        event = make_event(tree[1], slug=slug)
        make_terms(event)
        package = make_package(event, slug="gold", capacity=None, benefits=BENEFITS)
        for i in range(sponsors):
            _, tasks = paid_pledge_with_tasks(make_sponsor(name=f"{slug} {i}"), package)
            logo = next(task for task in tasks if task.kind == BenefitKind.LOGO_WEBSITE)
            services.start(logo, actor=organiser)
            services.deliver(logo, actor=organiser, proof_url="https://example.org/wall")
        response = client.get(event.url)
        assert response.content.decode().count('class="sponsor-name"') == sponsors
        counts[slug] = _queries_for(client, event.url)
    assert counts["few"] == counts["many"]
