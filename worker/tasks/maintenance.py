"""Periodic upkeep of the site."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="worker.tasks.maintenance.publish_scheduled", ignore_result=True)
def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's own
    command, so the admin's scheduling is the single source of truth)."""
    call_command("publish_scheduled")
