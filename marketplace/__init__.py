"""The Django project and the commerce core (pledges, payments, finance)."""

# Load the Celery app with Django so `shared_task` binds to it and `on_commit` enqueues work.
from worker.app import app as celery_app

__all__ = ["celery_app"]
