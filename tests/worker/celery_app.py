"""The Celery app for test workers: the real app plus the test-only tasks
(`celery -A tests.worker.celery_app worker`)."""

from tests.worker import testing_tasks  # noqa: F401
from worker.app import app

__all__ = ["app"]
