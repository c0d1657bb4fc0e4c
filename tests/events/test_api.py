"""API v1 catalogue endpoints."""

from decimal import Decimal

from tests.factories import make_event, make_package


def test_event_list_and_detail_carry_packages_with_availability(client, tree):
    event = make_event(tree[1], currency="EUR", region="EUR")
    package = make_package(event, title="Gold", price=Decimal("75000.50"), capacity=3)
    make_package(event, title="Draft", slug="draft", live=False)

    data = client.get("/api/v1/events/").json()
    assert data["count"] == 1
    listed = data["results"][0]
    assert listed["slug"] == event.slug
    assert listed["name"] == event.title
    assert listed["currency"] == "EUR" and listed["region"] == "EUR"
    assert listed["start_date"] == event.start_date.isoformat()
    assert [p["title"] for p in listed["packages"]] == ["Gold"]

    detail = client.get(f"/api/v1/events/{event.slug}/").json()
    (gold,) = detail["packages"]
    assert gold == client.get(f"/api/v1/packages/{package.pk}/").json()
    assert gold["id"] == package.pk
    assert gold["price"] == "75000.50"
    assert gold["currency"] == "EUR"
    assert gold["capacity"] == 3 and gold["available"] == 3
    assert gold["status"] == "available"
    assert gold["category"] == "headline"


def test_unlimited_package_has_null_available(client, tree):
    package = make_package(make_event(tree[1]), capacity=None)
    assert client.get(f"/api/v1/packages/{package.pk}/").json()["available"] is None


def test_unpublished_pages_are_not_in_the_api(client, tree):
    hidden = make_event(tree[1], slug="hidden", live=False)
    event = make_event(tree[1], slug="shown")
    draft = make_package(event, slug="draft", live=False)
    orphan = make_package(hidden, slug="orphan")
    assert client.get("/api/v1/events/hidden/").status_code == 404
    assert client.get(f"/api/v1/packages/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/packages/{orphan.pk}/").status_code == 404
    assert [e["slug"] for e in client.get("/api/v1/events/").json()["results"]] == ["shown"]
    assert client.get("/api/v1/packages/999999/").status_code == 404


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    body = schema.content.decode()
    assert "/api/v1/events/" in body and "/api/v1/packages/{id}/" in body
    assert "/admin/api/" not in body
    docs = client.get("/api/v1/docs/").content.decode()
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs
