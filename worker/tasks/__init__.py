"""Celery tasks, one module per area. Importing this package registers them all."""

from worker.tasks import (  # noqa: F401
    agreements,
    documents,
    fulfilment,
    mail,
    maintenance,
    pledges,
    reminders,
    sponsors,
)
