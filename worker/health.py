"""The broker's part of `GET /healthz` (registered into `marketplace.core.health.CHECKS`)."""

from worker.app import app


def check_broker() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
