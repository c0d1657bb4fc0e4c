"""Celery: the app (`celery -A worker ...`), routing, retry policy and the beat schedule.

Tasks here are thin: they load ids and call the apps' services.
"""

from worker.app import app

__all__ = ["app"]
