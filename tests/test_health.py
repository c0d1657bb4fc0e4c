"""GET /healthz reports the database and the broker."""

from marketplace.core import health


def test_healthy(client, db, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "broker", lambda: None)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_names_the_part_that_failed(client, db, monkeypatch):
    def broken():
        raise ConnectionError("refused")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error: ConnectionError"}


def test_real_broker_check_reaches_the_configured_broker(client, db):
    # With REDIS_URL (CI) this talks to Redis; otherwise to the embedded filesystem broker.
    response = client.get("/healthz")
    assert response.json()["broker"] == "ok"
