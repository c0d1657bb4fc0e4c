"""Celery tasks, one module per area. Importing this package registers them all."""

from worker.tasks import documents, mail, maintenance, pledges, sponsors  # noqa: F401
