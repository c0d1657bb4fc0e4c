"""Celery tasks, one module per area. Importing this package registers them all."""

from worker.tasks import documents, maintenance, pledges, sponsors  # noqa: F401
